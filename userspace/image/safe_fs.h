// File-system primitives for writing into an untrusted tree (an image rootfs
// being unpacked): lookups that never follow a symlink and never leave the
// root, and removals that recurse without following symlinks.
#pragma once

#include <string>

namespace pare {

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// openat2(ROOT_FD, REL, FLAGS) with RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS|
// RESOLVE_NO_MAGICLINKS: any symlink on the way fails with ELOOP (with O_PATH|
// O_NOFOLLOW a trailing symlink itself is returned). REL "" or "." is the root.
// Returns -1 with errno set on failure.
int open_no_symlinks(int root_fd, const std::string& rel, int flags);

// Removes NAME in directory DIR_FD, a whole tree if it is a directory, never
// following a symlink (a symlink is removed, not what it points to). A missing
// NAME is not an error. Throws Error(kExitFailure) on other failures.
void remove_tree_at(int dir_fd, const std::string& name);

// Removes every entry of the directory DIR_FD (opened O_RDONLY|O_DIRECTORY or
// O_PATH) the same way, keeping the directory itself.
void empty_dir(int dir_fd);

}  // namespace pare
