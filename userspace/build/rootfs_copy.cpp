#include "build/rootfs_copy.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "resolve/symlink_chain.h"

namespace pare {

namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_;
};


[[noreturn]] void fail(const std::string& what, int err) { throw Error(kExitFailure, errno_message(what, err)); }

class Copier {
 public:
  Copier(const RootFs& src, const std::string& out_dir) : src_(src) {
    out_ = open(out_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (out_ < 0) fail("cannot open output " + out_dir, errno);
  }
  ~Copier() { close(out_); }

  // Creates PATH (physical in the source) and its missing parents.
  void copy(const std::string& path) {
    if (done_.count(path)) return;
    if (path != "/") copy(parent_path(path));
    auto st = src_.lstat(path);
    if (!st) {
      result_.not_in_source.push_back(path);
      done_.insert(path);
      return;
    }
    done_.insert(path);
    if (path == "/") {
      apply_dir_meta(path, *st);
      return;
    }
    Fd dir(open_out_dir(parent_path(path)));
    std::string name = base_name(path);
    if (S_ISREG(st->st_mode)) copy_file(path, *st, dir.get(), name);
    else if (S_ISDIR(st->st_mode)) make_dir(path, *st, dir.get(), name);
    else if (S_ISLNK(st->st_mode)) make_symlink(path, *st, dir.get(), name);
    else if (S_ISFIFO(st->st_mode)) make_node(*st, dir.get(), name);
    else {
      // Device nodes come from the runtime (/dev), never from an untrusted image.
      spdlog::warn("build: skipping {} ({})", path, S_ISSOCK(st->st_mode) ? "socket" : "device node");
      return;
    }
    ++result_.entries;
  }

  // Directory mtimes last: creating children changed them.
  void finish() {
    std::vector<std::pair<std::string, struct timespec>> dirs(dir_mtimes_.begin(), dir_mtimes_.end());
    std::sort(dirs.begin(), dirs.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (auto& [p, mtime] : dirs) {
      Fd fd(open_out(p, O_RDONLY | O_DIRECTORY));
      struct timespec times[2] = {{0, UTIME_OMIT}, mtime};
      if (!fd || futimens(fd.get(), times) != 0) fail("cannot set the time of " + p, errno);
    }
  }

  CopyResult result() { return result_; }

 private:
  int open_out(const std::string& path, int flags) {
    struct open_how how = {};
    how.flags = static_cast<uint64_t>(flags) | O_CLOEXEC | O_NOFOLLOW;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    std::string rel = path == "/" ? "." : path.substr(1);
    return static_cast<int>(syscall(SYS_openat2, out_, rel.c_str(), &how, sizeof how));
  }
  int open_out_dir(const std::string& path) {
    int fd = path == "/" ? dup(out_) : open_out(path, O_PATH | O_DIRECTORY);
    if (fd < 0) fail("cannot open output directory " + path, errno);
    return fd;
  }

  void set_owner_mode(int fd, const struct stat& st, const std::string& path) {
    // chown clears setuid/setgid, so the mode goes after it.
    if (fchown(fd, st.st_uid, st.st_gid) != 0) fail("cannot chown " + path, errno);
    if (fchmod(fd, st.st_mode & 07777) != 0) fail("cannot chmod " + path, errno);
  }

  void copy_xattrs(int from, int to, const std::string& path) {
    char names[65536];
    ssize_t n = flistxattr(from, names, sizeof names);
    if (n <= 0) return;
    for (char* name = names; name < names + n; name += strlen(name) + 1) {
      char value[65536];
      ssize_t len = fgetxattr(from, name, value, sizeof value);
      if (len < 0) continue;
      if (fsetxattr(to, name, value, static_cast<size_t>(len), 0) != 0)
        spdlog::warn("build: cannot keep xattr {} of {}: {}", name, path, strerror(errno));
    }
  }

  void copy_file(const std::string& path, const struct stat& st, int dir, const std::string& name) {
    if (st.st_nlink > 1) {
      auto key = std::make_pair(st.st_dev, st.st_ino);
      if (auto it = links_.find(key); it != links_.end()) {
        Fd target_dir(open_out_dir(parent_path(it->second)));
        if (linkat(target_dir.get(), base_name(it->second).c_str(), dir, name.c_str(), 0) != 0)
          fail("cannot hard-link " + path, errno);
        return;
      }
      links_[key] = path;
    }
    Fd in(src_.open_in_root(path, O_RDONLY | O_NOFOLLOW));
    if (!in) fail("cannot read " + src_.root() + path, errno);
    Fd out(openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) fail("cannot create " + path, errno);
    off_t left = st.st_size;
    while (left > 0) {
      ssize_t n = copy_file_range(in.get(), nullptr, out.get(), nullptr, static_cast<size_t>(left), 0);
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) n = sendfile(out.get(), in.get(), nullptr, static_cast<size_t>(left));
      if (n < 0) fail("cannot copy " + path, errno);
      if (n == 0) break;  // the file shrank while we copied
      left -= n;
    }
    set_owner_mode(out.get(), st, path);
    copy_xattrs(in.get(), out.get(), path);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    futimens(out.get(), times);
    ++result_.files;
    result_.bytes += static_cast<uint64_t>(st.st_size);
  }

  void apply_dir_meta(const std::string& path, const struct stat& st) {
    Fd fd(open_out(path, O_RDONLY | O_DIRECTORY));
    if (!fd) fail("cannot open output directory " + path, errno);
    set_owner_mode(fd.get(), st, path);
    Fd in(src_.open_in_root(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    if (in) copy_xattrs(in.get(), fd.get(), path);
    dir_mtimes_[path] = st.st_mtim;
  }

  void make_dir(const std::string& path, const struct stat& st, int dir, const std::string& name) {
    if (mkdirat(dir, name.c_str(), 0700) != 0) fail("cannot create directory " + path, errno);
    apply_dir_meta(path, st);
  }

  void make_symlink(const std::string& path, const struct stat& st, int dir, const std::string& name) {
    auto target = src_.readlink(path);
    if (!target) fail("cannot read symlink " + path, errno);
    if (symlinkat(target->c_str(), dir, name.c_str()) != 0) fail("cannot create symlink " + path, errno);
    fchownat(dir, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    utimensat(dir, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }

  void make_node(const struct stat& st, int dir, const std::string& name) {
    if (mknodat(dir, name.c_str(), st.st_mode, st.st_rdev) != 0) fail("cannot create node " + name, errno);
    fchownat(dir, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
    fchmodat(dir, name.c_str(), st.st_mode & 07777, 0);
  }

  const RootFs& src_;
  int out_ = -1;
  std::set<std::string> done_;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
  std::map<std::string, struct timespec> dir_mtimes_;
  CopyResult result_;
};

}  // namespace

CopyResult copy_into(const RootFs& src, const std::vector<std::string>& paths, const std::string& out_dir) {
  Copier c(src, out_dir);
  // A manifest path may name a link on its way (/lib/x -> /usr/lib/x): copy
  // every link on the way and the object at its physical place.
  std::set<std::string> physical;
  for (auto& raw : paths) {
    std::string p = lexical_normalize(raw);
    Resolution parent = resolve_in_root(src, parent_path(p));
    for (auto& hop : parent.hops) physical.insert(hop.link);
    physical.insert(parent.path == "/" ? "/" + base_name(p) : parent.path + "/" + base_name(p));
  }
  for (auto& p : physical) c.copy(p);
  c.finish();
  return c.result();
}

}  // namespace pare
