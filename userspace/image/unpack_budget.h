// How much an image may write while it is unpacked. A layer is untrusted and
// compression hides its size: a few MB of gzip can expand to many GB of
// zeros, and a tar header can declare a sparse file of 100 GiB. Without a
// bound, unpacking runs until the disk is full. Every byte unpacking writes
// is charged here first; the charge is refused, before the write, when it
// would pass
//   - the --max-unpacked-size limit (default 16 GiB), which bounds the layer
//     contents, and separately a docker archive's blobs copied to scratch
//     (an image of 10 GiB copies 10 GiB of layer tars and writes 10 GiB of
//     files: each is its size, neither is 20), or
//   - the free space of the destination's filesystem when unpacking began,
//     less a safety margin (5% of the filesystem, at least 16 MiB, at most
//     1 GiB) so the copy and the output still have room: this bounds both
//     together.
// The unpacked size is counted like the uncompressed tar: content bytes at
// the size the header declares (a sparse file at its full size, since copying
// it writes that much) plus 512 bytes per entry, so a layer of millions of
// empty files is bounded too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pare {

inline constexpr uint64_t kDefaultMaxUnpackedBytes = 16ull << 30;  // 16 GiB
inline constexpr uint64_t kTarEntryOverhead = 512;                 // one tar header block

// "512M", "20G", "16GiB", "1.5g", "4096" -> bytes (K, M, G, T, P: powers of
// 1024, an optional "i" and "B" ignored); nullopt for anything else,
// including a sign, a hex or octal form, or a value over 2^64.
std::optional<uint64_t> parse_size(const std::string& text);

// For a CLI11 transform: TEXT becomes its byte count; returns "" or why not.
std::string size_option_to_bytes(std::string& text);

// What a charge is for: the image's files, or a docker archive's blobs copied aside.
enum class UnpackUse { kContent, kScratch };

class UnpackBudget {
 public:
  // MAX_BYTES: --max-unpacked-size. DEST_FD: a directory on the filesystem
  // that receives the bytes (fstatvfs'ed now); DEST names it in messages.
  // Throws Error(kExitFailure) if it cannot be fstatvfs'ed.
  UnpackBudget(uint64_t max_bytes, int dest_fd, const std::string& dest);

  // Charges BYTES about to be written for SUBJECT ("layer 1/2 (...) of SRC:
  // 'usr/lib/x'"). Throws, charging nothing: Error(kExitBadInput) "image
  // expands beyond ... (--max-unpacked-size)" over the limit,
  // Error(kExitFailure) over the free space.
  void charge(uint64_t bytes, const std::string& subject, UnpackUse use = UnpackUse::kContent);

  // Throws like charge() when BYTES more would not fit, without charging:
  // a layer's headers are checked this way before any of it is written.
  void check_fits(uint64_t bytes, const std::string& subject, UnpackUse use = UnpackUse::kContent) const;

  uint64_t used() const { return content_ + scratch_; }

 private:
  uint64_t max_bytes_;
  uint64_t free_bytes_;  // free space at the start, less the margin
  std::string dest_;
  uint64_t content_ = 0, scratch_ = 0;
};

// Meters one entry's data as it is written: the size its header declares is
// charged before the first byte, and whatever a lying header lets through
// beyond it is charged as it comes (blocks at offsets past the declared end).
class EntryMeter {
 public:
  EntryMeter(UnpackBudget& budget, uint64_t declared, std::string subject, UnpackUse use = UnpackUse::kContent);
  // A block ending at END (offset + size) is about to be written.
  void writing_up_to(uint64_t end);

 private:
  UnpackBudget& budget_;
  uint64_t charged_;
  std::string subject_;
  UnpackUse use_;
};

}  // namespace pare
