// A view of a root directory (the target's "/"), opened once. Every lookup goes
// through openat2(RESOLVE_IN_ROOT): a symlink in an untrusted tree, absolute or
// full of "..", cannot lead outside the root.
#pragma once

#include <sys/stat.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pare {

// "file", "dir", "symlink" or "other" for an st_mode (the manifest's entry types).
std::string file_type_name(unsigned mode);

class RootFs {
 public:
  explicit RootFs(const std::string& root_dir);  // throws Error if it cannot be opened
  ~RootFs();
  RootFs(const RootFs&) = delete;
  RootFs& operator=(const RootFs&) = delete;

  // A second view of the same root (the directory fd duplicated, never
  // reopened by path: a container's root may be gone by name) with caches of
  // its own, inside a StableTree scope of its own when this one is in one:
  // for another thread, as no view is thread-safe.
  std::unique_ptr<RootFs> another_view() const;
  const std::string& root() const { return root_; }
  // lstat of PATH (absolute, as seen inside the root); nullopt if it does not exist.
  std::optional<struct stat> lstat(const std::string& path) const;
  // statx of PATH (final symlink not followed) asking for MASK; nullopt if it does not exist.
  std::optional<struct statx> lstatx(const std::string& path, unsigned mask) const;
  // "file", "dir", "symlink", "other", or "absent" when PATH does not exist.
  std::string type_of(const std::string& path) const;
  // Target text of the symlink at PATH; nullopt if PATH is not a readable symlink.
  std::optional<std::string> readlink(const std::string& path) const;
  // O_RDONLY|O_CLOEXEC file descriptor of the regular file PATH inside the
  // root (never a FIFO or device), or -1 (errno set).
  int open_read(const std::string& path) const;
  // The bytes of the regular file PATH (symlinks followed inside the root);
  // nullopt when it is missing or not a regular file. A file larger than
  // MAX_BYTES throws Error(kExitBadInput): untrusted sizes bound our memory.
  std::optional<std::string> read_file(const std::string& path, size_t max_bytes) const;
  // Any open of PATH inside the root (O_CLOEXEC added), or -1 (errno set).
  int open_in_root(const std::string& path, int flags) const;
  // An open of PATH inside the root whose last component is never followed
  // (O_NOFOLLOW and O_CLOEXEC added: a symlink there fails with ELOOP), or -1
  // (errno set). In a StableTree, one openat() in the cached parent.
  int open_nofollow(const std::string& path, int flags) const;
  // Entries of directory PATH (no "." or ".."), sorted; empty if not a directory.
  std::vector<std::string> list_dir(const std::string& path) const;
  int fd() const { return fd_; }

  // While one is alive, the tree is treated as not changing under us: the
  // directories lookups pass through stay open (and their lstat is kept), so a job over many paths in
  // sorted order (a manifest's fill, closure, copy) costs one openat2 per
  // directory and one *at() call per path instead of an openat2, fstat and
  // close each. Lookups of names in a cached directory use the *at() call on
  // that directory's fd with the final symlink never followed, so they stay
  // inside the root. Not for live jobs (audit): a directory renamed after it
  // was cached would still be looked in. Nestable; not thread-safe.
  class StableTree {
   public:
    explicit StableTree(const RootFs& fs);
    ~StableTree();
    StableTree(const StableTree&) = delete;
    StableTree& operator=(const StableTree&) = delete;

   private:
    const RootFs& fs_;
  };

 private:
  // The fd of directory DIR (O_PATH, resolved in the root) from the cache,
  // opening it on a miss; -1 when there is no such directory or no StableTree.
  int cached_dir(const std::string& dir) const;
  void drop_cached_dirs() const;
  RootFs(std::string root_dir, int fd) : root_(std::move(root_dir)), fd_(fd) {}
  std::unique_ptr<StableTree> own_stable_;  // another_view's, when the original was stable

  std::string root_;
  int fd_ = -1;
  mutable int stable_depth_ = 0;
  mutable std::unordered_map<std::string, int> dir_fds_;
  // lstat of directories already met: resolving names walks the same few
  // thousand directories for every one of 10^5 paths.
  mutable std::unordered_map<std::string, struct stat> dir_stats_;
};

}  // namespace pare
