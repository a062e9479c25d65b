#include "resolve/root_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <climits>

#include "common/error.h"
#include "common/name_encoding.h"

namespace pare {

namespace {

std::string relative_to_root(const std::string& path) {
  size_t i = path.find_first_not_of('/');
  return i == std::string::npos ? "." : path.substr(i);
}

}  // namespace

RootFs::RootFs(const std::string& root_dir) : root_(root_dir) {
  fd_ = open(root_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) throw Error(kExitBadInput, errno_message("cannot open root directory " + root_dir, errno));
}

RootFs::~RootFs() {
  if (fd_ >= 0) close(fd_);
}

int RootFs::open_in_root(const std::string& path, int flags) const {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags) | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  std::string rel = relative_to_root(path);
  int fd;
  do {
    fd = static_cast<int>(syscall(SYS_openat2, fd_, rel.c_str(), &how, sizeof how));
  } while (fd < 0 && errno == EAGAIN);  // a concurrent rename: retry as the man page says
  return fd;
}

std::optional<struct stat> RootFs::lstat(const std::string& path) const {
  int fd = open_in_root(path, O_PATH | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  struct stat st;
  int rc = fstat(fd, &st);
  close(fd);
  if (rc != 0) return std::nullopt;
  return st;
}

std::string RootFs::type_of(const std::string& path) const {
  auto st = lstat(path);
  if (!st) return "absent";
  if (S_ISREG(st->st_mode)) return "file";
  if (S_ISDIR(st->st_mode)) return "dir";
  if (S_ISLNK(st->st_mode)) return "symlink";
  return "other";
}

std::optional<std::string> RootFs::readlink(const std::string& path) const {
  int fd = open_in_root(path, O_PATH | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  char buf[PATH_MAX];
  ssize_t n = readlinkat(fd, "", buf, sizeof buf);
  close(fd);
  if (n < 0 || n == static_cast<ssize_t>(sizeof buf)) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

int RootFs::open_read(const std::string& path) const {
  // O_NONBLOCK: a FIFO planted in an untrusted root must not hang us; then
  // anything but a regular file is refused.
  int fd = open_in_root(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return -1;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    errno = EINVAL;
    return -1;
  }
  return fd;
}

std::optional<std::string> RootFs::read_file(const std::string& path, size_t max_bytes) const {
  int fd = open_read(path);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buf[65536];
  ssize_t n;
  // Read one byte past the bound: a file that grows while read is caught too.
  while ((n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      throw Error(kExitBadInput, errno_message("cannot read " + printable_name(root_ + path), err));
    }
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > max_bytes) {
      close(fd);
      throw Error(kExitBadInput, printable_name(root_ + path) + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  close(fd);
  return text;
}

std::vector<std::string> RootFs::list_dir(const std::string& path) const {
  std::vector<std::string> out;
  int fd = open_in_root(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return out;
  DIR* d = fdopendir(fd);
  if (!d) {
    close(fd);
    return out;
  }
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(std::move(name));
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pare
