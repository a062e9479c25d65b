// Deterministic gzip for layer blobs, compressed on all cores like pigz: the
// tar stream is cut at fixed offsets into 1 MiB blocks, each deflated by a
// worker thread with the 32 KiB before it as its dictionary and ended with a
// sync flush, so the blocks join into one ordinary gzip member (one header,
// the CRC of the whole, the last block final). Where the cuts fall depends on
// nothing but the bytes, never on timing or the number of threads: the same
// tar always gives the same blob and digest. The header is zlib's (mtime 0,
// no file name, OS "Unix"). Hashes what goes in (the diff_id) and what comes
// out (the blob digest) on the way, in the one pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "image/sha256.h"

namespace pare {

class GzipWriter {
 public:
  // Writes the compressed stream to FD (not closed here); PATH for messages.
  // THREADS: compressing threads, 0 for one per core (the blob is the same).
  GzipWriter(int fd, std::string path, unsigned threads = 0);
  ~GzipWriter();
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  void write(const void* data, size_t len);  // throws Error(kExitFailure)
  void finish();                             // flushes the gzip trailer

  std::string input_sha256() { return in_hash_.hex(); }    // after finish()
  std::string output_sha256() { return out_hash_.hex(); }  // after finish()
  uint64_t output_bytes() const { return out_bytes_; }

 private:
  struct Job;
  struct Pool;
  void submit(bool last);
  void drain_one();
  void emit(const void* data, size_t len);

  std::unique_ptr<Pool> pool_;
  std::shared_ptr<Job> cur_;
  std::string tail_;  // the last 32 KiB of the input before cur_: its dictionary
  int fd_;
  std::string path_;
  Sha256 in_hash_, out_hash_;
  uint64_t in_bytes_ = 0, out_bytes_ = 0;
  unsigned long crc_ = 0;
  bool finished_ = false;
};

}  // namespace pare
