#include "resolve/tree_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/interrupt.h"

namespace pare {

namespace {

// Directories open at once (one fd each) on the way down; deeper parts of a
// (hostile) tree are left out of the figures rather than exhausting fds.
constexpr size_t kMaxOpenDirs = 256;

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};
using DirStream = std::unique_ptr<DIR, DirCloser>;

// The tree walk: a stack of open directory streams, each entry fstatat'ed
// relative to its directory's fd, never following a symlink.
class TreeScanner {
 public:
  TreeScanner(std::string root, const ScanHook& hook, bool list) : root_(std::move(root)), hook_(hook), list_(list) {}

  TreeScan run() {
    // The root itself may be a symlink the user named (like RootFs, it is
    // followed); nothing below it ever is.
    int fd = open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
      if (fd >= 0) close(fd);
      return {};
    }
    dev_ = st.st_dev;
    stack_.reserve(kMaxOpenDirs + 1);
    push(fd, "");
    while (!stack_.empty()) step();
    if (too_deep_) spdlog::warn("size report: {} directories nested deeper than {} levels in {} not measured", too_deep_, kMaxOpenDirs, root_);
    spdlog::debug("size report: scanned {} entries under {}", out_.size.entries, root_);
    return std::move(out_);
  }

 private:
  struct Frame {
    DirStream dir;
    std::string path;  // inside the tree: "" for the root, "/usr"
  };

  void push(int fd, std::string path) {
    DIR* d = fdopendir(fd);
    if (!d) {
      close(fd);
      return;
    }
    stack_.push_back({DirStream(d), std::move(path)});
  }

  // One directory entry (or the end of the innermost directory).
  void step() {
    Frame& f = stack_.back();
    dirent* e = readdir(f.dir.get());
    if (!e) {
      stack_.pop_back();
      return;
    }
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) return;
    struct stat st;
    if (fstatat(dirfd(f.dir.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) ++out_.size.vanished;
      return;
    }
    // Stay on the root's filesystem: /proc, /sys and other mounts are not the image.
    if (st.st_dev != dev_) return;
    ++out_.size.entries;
    std::string path = f.path + "/" + e->d_name;
    if (list_) out_.entries[path] = entry_of(st);
    if (S_ISDIR(st.st_mode)) descend(dirfd(f.dir.get()), e->d_name, std::move(path));  // F may move: not used after
    else if (S_ISREG(st.st_mode)) count_file(st, std::move(path));
  }

  void descend(int parent_fd, const char* name, std::string path) {
    if (stack_.size() >= kMaxOpenDirs) {
      ++too_deep_;
      return;
    }
    throw_if_interrupted();
    if (hook_) hook_(path);
    int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      // Gone, or replaced by a file or a symlink, since it was listed.
      if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) ++out_.size.vanished;
      return;  // else unreadable (EACCES as a non-root builder): left out, as before
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_dev != dev_) {  // a mount appeared there meanwhile
      close(fd);
      return;
    }
    push(fd, std::move(path));
  }

  void count_file(const struct stat& st, std::string path) {
    if (st.st_nlink > 1 && !seen_.insert({st.st_dev, st.st_ino}).second) return;
    out_.files[std::move(path)] = static_cast<uint64_t>(st.st_size);
    ++out_.size.files;
    out_.size.bytes += static_cast<uint64_t>(st.st_size);
  }

  static TreeEntry entry_of(const struct stat& st) {
    char type = S_ISREG(st.st_mode) ? 'f' : S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : 'o';
    return {type, static_cast<uint64_t>(st.st_size), static_cast<int64_t>(st.st_mtim.tv_sec)};
  }

  std::string root_;
  const ScanHook& hook_;
  bool list_;
  dev_t dev_ = 0;
  std::vector<Frame> stack_;
  std::set<std::pair<dev_t, ino_t>> seen_;
  uint64_t too_deep_ = 0;
  TreeScan out_;
};

}  // namespace

TreeScan scan_tree(const std::string& root, const ScanHook& before_opening, bool list_entries) {
  return TreeScanner(root, before_opening, list_entries).run();
}

}  // namespace pare
