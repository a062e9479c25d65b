#include "image/safe_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/error.h"

namespace pare {

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.release();
  }
  return *this;
}

int open_no_symlinks(int root_fd, const std::string& rel, int flags) {
  struct open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const char* p = rel.empty() ? "." : rel.c_str();
  long fd;
  do {
    fd = syscall(SYS_openat2, root_fd, p, &how, sizeof how);
  } while (fd < 0 && (errno == EINTR || errno == EAGAIN));
  return static_cast<int>(fd);
}

namespace {

// Names in a directory, read through a private descriptor so the caller's
// descriptor (possibly O_PATH) is untouched.
std::vector<std::string> list_names(int dir_fd) {
  int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw Error(kExitFailure, errno_message("cannot list a directory to remove its contents", errno));
  DIR* d = fdopendir(fd);
  if (!d) {
    int err = errno;
    close(fd);
    throw Error(kExitFailure, errno_message("cannot list a directory to remove its contents", err));
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    names.emplace_back(e->d_name);
  }
  closedir(d);
  return names;
}

}  // namespace

void empty_dir(int dir_fd) {
  for (const std::string& n : list_names(dir_fd)) remove_tree_at(dir_fd, n);
}

void remove_tree_at(int dir_fd, const std::string& name) {
  struct stat st;
  if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    throw Error(kExitFailure, errno_message("cannot stat " + name, errno));
  }
  if (S_ISDIR(st.st_mode)) {
    // O_NOFOLLOW: if NAME was swapped for a symlink since the stat, fail
    // rather than empty whatever it points to.
    UniqueFd sub(openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) throw Error(kExitFailure, errno_message("cannot open directory " + name, errno));
    empty_dir(sub.get());
    if (unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
      throw Error(kExitFailure, errno_message("cannot remove directory " + name, errno));
    return;
  }
  if (unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT)
    throw Error(kExitFailure, errno_message("cannot remove " + name, errno));
}

}  // namespace pare
