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

// PATH split into its parent directory and last component when it is a plain
// absolute name (no empty, "." or ".." component, not "/"): only then can the
// last component be looked up in the parent's fd without leaving the root.
bool split_plain(const std::string& path, std::string& parent, std::string& name) {
  if (path.size() < 2 || path[0] != '/' || path.back() == '/') return false;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    size_t len = end - start;
    if (len == 0) return false;
    if (path[start] == '.' && (len == 1 || (len == 2 && path[start + 1] == '.'))) return false;
    start = end + 1;
  }
  size_t slash = path.rfind('/');
  parent = slash == 0 ? "/" : path.substr(0, slash);
  name = path.substr(slash + 1);
  return true;
}

// Bounded: a walk in sorted order needs only the few directories above it.
constexpr size_t kMaxCachedDirs = 256;
constexpr size_t kMaxKnownDirs = 1 << 16;

}  // namespace

RootFs::StableTree::StableTree(const RootFs& fs) : fs_(fs) { ++fs_.stable_depth_; }

RootFs::StableTree::~StableTree() {
  if (--fs_.stable_depth_ == 0) fs_.drop_cached_dirs();
}

void RootFs::drop_cached_dirs() const {
  for (auto& [dir, fd] : dir_fds_) close(fd);
  dir_fds_.clear();
  dir_stats_.clear();
}

int RootFs::cached_dir(const std::string& dir) const {
  if (stable_depth_ == 0) return -1;
  auto it = dir_fds_.find(dir);
  if (it != dir_fds_.end()) return it->second;
  int fd = open_in_root(dir, O_PATH | O_DIRECTORY);
  if (fd < 0) return -1;
  if (dir_fds_.size() >= kMaxCachedDirs) drop_cached_dirs();
  dir_fds_.emplace(dir, fd);
  return fd;
}

RootFs::RootFs(const std::string& root_dir) : root_(root_dir) {
  fd_ = open(root_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) throw Error(kExitBadInput, errno_message("cannot open root directory " + root_dir, errno));
}

std::unique_ptr<RootFs> RootFs::another_view() const {
  int fd = fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) throw Error(kExitFailure, errno_message("cannot open root directory " + root_, errno));
  std::unique_ptr<RootFs> view(new RootFs(root_, fd));
  if (stable_depth_ > 0) view->own_stable_ = std::make_unique<StableTree>(*view);
  return view;
}

RootFs::~RootFs() {
  own_stable_.reset();
  drop_cached_dirs();
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

int RootFs::open_nofollow(const std::string& path, int flags) const {
  flags |= O_NOFOLLOW | O_CLOEXEC;
  std::string parent, name;
  if (stable_depth_ && split_plain(path, parent, name)) {
    int dir = cached_dir(parent);  // errno set when there is no such directory
    if (dir < 0) return -1;
    int fd;
    do {
      fd = openat(dir, name.c_str(), flags);
    } while (fd < 0 && errno == EINTR);
    return fd;
  }
  return open_in_root(path, flags);
}

std::optional<struct stat> RootFs::lstat(const std::string& path) const {
  std::string parent, name;
  if (stable_depth_ && split_plain(path, parent, name)) {
    auto known = dir_stats_.find(path);
    if (known != dir_stats_.end()) return known->second;
    int dir = cached_dir(parent);
    struct stat st;
    if (dir < 0 || fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
    if (S_ISDIR(st.st_mode)) {
      if (dir_stats_.size() >= kMaxKnownDirs) dir_stats_.clear();
      dir_stats_.emplace(path, st);
    }
    return st;
  }
  int fd = open_in_root(path, O_PATH | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  struct stat st;
  int rc = fstat(fd, &st);
  close(fd);
  if (rc != 0) return std::nullopt;
  return st;
}

std::optional<struct statx> RootFs::lstatx(const std::string& path, unsigned mask) const {
  struct statx stx;
  std::string parent, name;
  if (stable_depth_ && split_plain(path, parent, name)) {
    int dir = cached_dir(parent);
    if (dir < 0 || statx(dir, name.c_str(), AT_SYMLINK_NOFOLLOW, mask, &stx) != 0) return std::nullopt;
    return stx;
  }
  int fd = open_in_root(path, O_PATH | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  int rc = statx(fd, "", AT_EMPTY_PATH, mask, &stx);
  close(fd);
  if (rc != 0) return std::nullopt;
  return stx;
}

std::string file_type_name(unsigned mode) {
  if (S_ISREG(mode)) return "file";
  if (S_ISDIR(mode)) return "dir";
  if (S_ISLNK(mode)) return "symlink";
  return "other";
}

std::string RootFs::type_of(const std::string& path) const {
  auto st = lstat(path);
  return st ? file_type_name(st->st_mode) : "absent";
}

std::optional<std::string> RootFs::readlink(const std::string& path) const {
  char buf[PATH_MAX];
  ssize_t n;
  std::string parent, name;
  if (stable_depth_ && split_plain(path, parent, name)) {
    int dir = cached_dir(parent);
    if (dir < 0) return std::nullopt;
    n = readlinkat(dir, name.c_str(), buf, sizeof buf);
  } else {
    int fd = open_in_root(path, O_PATH | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;
    n = readlinkat(fd, "", buf, sizeof buf);
    close(fd);
  }
  if (n < 0 || n == static_cast<ssize_t>(sizeof buf)) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

int RootFs::open_read(const std::string& path) const {
  // O_NONBLOCK: a FIFO planted in an untrusted root must not hang us; then
  // anything but a regular file is refused.
  constexpr int kFlags = O_RDONLY | O_NONBLOCK | O_NOCTTY;
  int fd = -1;
  std::string parent, name;
  int dir = stable_depth_ && split_plain(path, parent, name) ? cached_dir(parent) : -1;
  // The last component opened in its cached directory unless it is a symlink
  // (ELOOP): a link is followed through the root-confined path below.
  if (dir >= 0) fd = openat(dir, name.c_str(), kFlags | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && (dir < 0 || errno == ELOOP)) fd = open_in_root(path, kFlags);
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
