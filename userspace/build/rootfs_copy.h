// Copies chosen paths from a source root into a new output tree, keeping
// what makes a file work: type, mode with setuid/setgid/sticky, owner, mtime,
// xattrs (security.capability above all) and hard links. The source is read
// only through RootFs (RESOLVE_IN_ROOT): its symlinks cannot point the copy
// elsewhere. The output is written only through directories opened with
// RESOLVE_NO_SYMLINKS: a symlink this copy created cannot redirect a write.
//
// The source may be live (`pare build --from /` while the host runs): a path
// that is listed but gone (or replaced by another kind of file) by the time
// it is opened is skipped and counted in CopyResult::vanished, never fatal.
//
// Not root (or root whose chown is refused, e.g. an unmapped id in a user
// namespace): owners cannot be set and security.*/trusted.* xattrs cannot be
// written. The copy keeps everything else on disk and records the source's
// owner, mode and refused xattrs per path in CopyResult::metadata, which the
// OCI layer writer puts in the tar headers. On disk such a copy drops
// setuid/setgid (a setuid file owned by the builder would be a new setuid
// program of theirs, as `cp -p` also refuses) and keeps directories
// writable by the builder (so the scratch copy can be removed).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "image/entry_metadata.h"
#include "resolve/root_fs.h"

namespace pare {

struct CopyResult {
  uint64_t entries = 0;   // everything created
  uint64_t files = 0;     // regular files (hard links counted once)
  uint64_t bytes = 0;     // bytes of regular files
  std::vector<std::string> not_in_source;  // manifest paths the source does not have
  uint64_t vanished = 0;  // there when listed, gone or replaced when opened (a live source)
  // What the disk copy lacks (not root), all recorded in METADATA:
  uint64_t owners_not_kept = 0;  // entries whose source owner differs from the builder
  uint64_t modes_not_kept = 0;   // setuid/setgid dropped, read-only directories left writable
  uint64_t xattrs_not_kept = 0;  // xattrs the disk refused
  EntryMetadataTable metadata;   // output path (no leading '/') -> source owner, mode, refused xattrs
  std::vector<std::string> generated;  // paths written with generated content (RootfsCopy::write_generated)
  // Every regular file made (a hard link's first name only): path -> bytes,
  // in no particular order. The size report's "after" side: what the copy
  // made, without a second walk of the output.
  std::vector<std::pair<std::string, uint64_t>> file_sizes;
  std::vector<std::string> more_links;  // the second and later names of files in file_sizes
};

struct CopyOptions {
  // Tests: runs after PATH was lstat'ed in the source and before it is
  // opened, to change the source at the moment a live one could.
  std::function<void(const std::string& path)> after_lstat;
};

class Copier;

// One copy into OUT_DIR (an existing empty directory), in steps: the chosen
// paths, then files whose content the build generates (a trimmed package
// database), then finish() sets directory times last, so a generated file
// changes no directory's mtime and identical inputs give identical trees.
class RootfsCopy {
 public:
  RootfsCopy(const RootFs& src, const std::string& out_dir, const CopyOptions& opts = {});
  ~RootfsCopy();
  RootfsCopy(const RootfsCopy&) = delete;
  RootfsCopy& operator=(const RootfsCopy&) = delete;

  // As copy_into below; returns when the copies are on disk (regular files
  // are written by worker threads, see common/task_pool.h).
  void copy_paths(const std::vector<std::string>& paths);
  // Writes CONTENT as the file PATH of the output, at PATH's physical place
  // in the source (its parents and the links on the way copied like any
  // path's), with the owner, mode and times of the source's file there (a
  // generated file stands in for it), replacing a copy of it made before.
  // Returns the physical path written; nullopt, with a warning, when the
  // source has no directory to put it in.
  std::optional<std::string> write_generated(const std::string& path, const std::string& content);
  CopyResult finish();

 private:
  const RootFs& src_;
  std::unique_ptr<Copier> c_;
};

// OUT_DIR must be an existing empty directory. PATHS are absolute paths inside
// the source root; parents are created with the source's metadata. A path
// whose source is missing is reported once in not_in_source (its missing
// ancestors are not listed separately). Parent creation is iterative: the
// depth of a path costs loop turns, not stack.
CopyResult copy_into(const RootFs& src, const std::vector<std::string>& paths, const std::string& out_dir,
                     const CopyOptions& opts = {});

// The warning a non-root build to a rootfs directory prints before copying:
// what it cannot keep. "" when running as root.
std::string not_root_warning();

// "" or one line counting what a non-root copy to a directory did not keep.
std::string not_kept_summary(const CopyResult& r);

}  // namespace pare
