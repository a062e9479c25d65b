// A view of a root directory (the target's "/"), opened once. Every lookup goes
// through openat2(RESOLVE_IN_ROOT): a symlink in an untrusted tree, absolute or
// full of "..", cannot lead outside the root.
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

namespace pare {

class RootFs {
 public:
  explicit RootFs(const std::string& root_dir);  // throws Error if it cannot be opened
  ~RootFs();
  RootFs(const RootFs&) = delete;
  RootFs& operator=(const RootFs&) = delete;

  const std::string& root() const { return root_; }
  // lstat of PATH (absolute, as seen inside the root); nullopt if it does not exist.
  std::optional<struct stat> lstat(const std::string& path) const;
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
  // Entries of directory PATH (no "." or ".."), sorted; empty if not a directory.
  std::vector<std::string> list_dir(const std::string& path) const;
  int fd() const { return fd_; }

 private:
  std::string root_;
  int fd_ = -1;
};

}  // namespace pare
