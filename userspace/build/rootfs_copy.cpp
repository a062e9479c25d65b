#include "build/rootfs_copy.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/write_all.h"
#include "common/interrupt.h"
#include "common/name_encoding.h"
#include "common/task_pool.h"
#include "image/safe_fs.h"
#include "resolve/symlink_chain.h"

namespace pare {

namespace {

[[noreturn]] void fail(const std::string& what, int err) { throw Error(kExitFailure, errno_message(what, err)); }

// An open that fails this way after lstat found the path means the source
// changed in between (removed, a parent removed, replaced by a symlink).
bool vanished_errno(int err) { return err == ENOENT || err == ENOTDIR || err == ELOOP; }

// Where each component of PATH ends: "/a/bc/d" -> 2, 5, 7. Offsets, not
// strings: a 40 KB path must not become 20 000 copies of its prefixes.
std::vector<size_t> component_ends(const std::string& path) {
  std::vector<size_t> ends;
  for (size_t i = 1; i <= path.size(); ++i)
    if ((i == path.size() || path[i] == '/') && path[i - 1] != '/') ends.push_back(i);
  return ends;
}

// The copy_file_range chunk: small enough to notice Ctrl-C within a big file.
constexpr size_t kCopyChunk = 64u << 20;

// File copies go to the workers in batches (one hand-off per batch, not per
// file), each copy holding its source open: at most kBatch * (kQueuedBatches
// + workers + 1) descriptors, well below the 1024 a process may be limited to.
constexpr size_t kBatch = 32;
constexpr size_t kQueuedBatches = 6;

// What copying one path made of it.
enum class Made { kMissing, kDir, kOther, kVanished };

}  // namespace

class Copier {
 public:
  Copier(const RootFs& src, const std::string& out_dir, const CopyOptions& opts) : src_(src), opts_(opts) {
    out_ = UniqueFd(open(out_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!out_) fail("cannot open output " + out_dir, errno);
  }

  // Creates PATH (physical in the source) and its missing ancestors, top-down
  // in a loop: a path's depth costs iterations, never stack frames.
  void copy(const std::string& path) {
    if (done_.count(path)) return;
    if (!done_.count("/")) copy_root();
    for (size_t end : component_ends(path)) {
      throw_if_interrupted();
      std::string prefix = path.substr(0, end);
      auto it = done_.find(prefix);
      Made made = it != done_.end() ? (it->second ? Made::kDir : Made::kOther) : copy_one(prefix);
      bool last = end == path.size();
      if (made == Made::kVanished) {
        ++result_.vanished;
        return;
      }
      // Nothing can exist below a missing path or a non-directory: the
      // requested path is what the report names, not its ancestors.
      if (made == Made::kMissing || (!last && made != Made::kDir)) {
        result_.not_in_source.push_back(path);
        done_[path] = false;
        return;
      }
    }
  }

  // Returns when every file copy handed to the workers is on disk.
  void drain() {
    flush_copies();
    copies_.wait();
  }

  // Directory mtimes last: creating children changed them.
  void finish() {
    drain();
    std::vector<std::pair<std::string, struct timespec>> dirs(dir_mtimes_.begin(), dir_mtimes_.end());
    std::sort(dirs.begin(), dirs.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (auto& [p, mtime] : dirs) {
      throw_if_interrupted();
      UniqueFd fd(open_out(p, O_RDONLY | O_DIRECTORY));
      struct timespec times[2] = {{0, UTIME_OMIT}, mtime};
      if (!fd || futimens(fd.get(), times) != 0) fail("cannot set the time of " + p, errno);
    }
  }

  CopyResult take() { return std::move(result_); }

  // The process umask, read without changing it (umask(2) would, for a
  // moment, for every thread); kUnknownUmask when it cannot be read.
  static mode_t current_umask() {
    FILE* f = fopen("/proc/self/status", "re");
    if (!f) return kUnknownUmask;
    char line[256];
    mode_t m = kUnknownUmask;
    while (fgets(line, sizeof line, f))
      if (strncmp(line, "Umask:", 6) == 0) m = static_cast<mode_t>(strtoul(line + 6, nullptr, 8)) & 0777;
    fclose(f);
    return m;
  }

  // PATH is physical in the source; its parent was copied (a directory).
  void write_generated(const std::string& path, const std::string& content) {
    throw_if_interrupted();
    drain();  // the copy it may replace is on disk
    UniqueFd dir(open_out_dir(parent_path(path)));
    std::string name = base_name(path);
    if (done_.count(path)) replace_copy(path, dir.get(), name);
    struct stat st = {};
    auto src = src_.lstat(path);
    if (src && S_ISREG(src->st_mode)) {
      st = *src;
    } else {  // no source file to stand in for (a hostile source): plain and timeless
      st.st_mode = S_IFREG | 0644;
    }
    UniqueFd out(openat(dir.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) fail("cannot create " + path, errno);
    write_all(out.get(), content.data(), content.size(), path);
    set_owner_mode(out.get(), st, path);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    futimens(out.get(), times);
    done_[path] = false;
    ++result_.entries;
    ++result_.files;
    result_.bytes += content.size();
    result_.file_sizes.emplace_back(path, content.size());
    result_.generated.push_back(path);
  }

  // Whether the parent of PATH is a directory of the output (after copy()).
  bool is_output_dir(const std::string& path) const {
    auto it = done_.find(path);
    return it != done_.end() && it->second;
  }

 private:
  void copy_root() {
    auto st = src_.lstat("/");
    if (!st) fail("cannot read the source root " + src_.root(), errno);
    apply_dir_meta("/", *st, UniqueFd(open_out("/", O_RDONLY | O_DIRECTORY)));
    done_["/"] = true;
  }

  // A copy of PATH made earlier gives way to generated content: removed,
  // and uncounted (a directory is never replaced).
  void replace_copy(const std::string& path, int dir, const std::string& name) {
    struct stat old;
    if (fstatat(dir, name.c_str(), &old, AT_SYMLINK_NOFOLLOW) != 0) fail("cannot replace " + path, errno);
    if (S_ISDIR(old.st_mode)) fail("cannot replace directory " + path + " with a generated file", EISDIR);
    if (unlinkat(dir, name.c_str(), 0) != 0) fail("cannot replace " + path, errno);
    --result_.entries;
    if (S_ISREG(old.st_mode) && old.st_nlink <= 1) {
      --result_.files;
      result_.bytes -= std::min<uint64_t>(result_.bytes, static_cast<uint64_t>(old.st_size));
      std::erase_if(result_.file_sizes, [&](auto& f) { return f.first == path; });
    }
    result_.metadata.erase(path.substr(1));
    std::erase_if(links_, [&](auto& kv) { return kv.second == path; });
    done_.erase(path);
  }

  Made copy_one(const std::string& path) {
    auto st = src_.lstat(path);
    if (!st) return Made::kMissing;
    if (opts_.after_lstat) opts_.after_lstat(path);
    Made made = create(path, *st, cached_out_dir(parent_path(path)), base_name(path));
    if (made != Made::kVanished) done_[path] = made == Made::kDir;
    return made;
  }

  Made create(const std::string& path, const struct stat& st, int dir, const std::string& name) {
    bool made = true;
    if (S_ISREG(st.st_mode)) made = copy_file(path, st, dir, name);
    else if (S_ISDIR(st.st_mode)) make_dir(path, st, dir, name);
    else if (S_ISLNK(st.st_mode)) made = make_symlink(path, st, dir, name);
    else if (S_ISFIFO(st.st_mode)) make_node(path, st, dir, name);
    else {
      // Device nodes come from the runtime (/dev), never from an untrusted image.
      spdlog::warn("build: skipping {} ({})", path, S_ISSOCK(st.st_mode) ? "socket" : "device node");
      return Made::kOther;
    }
    if (!made) return Made::kVanished;
    ++result_.entries;
    return S_ISDIR(st.st_mode) ? Made::kDir : Made::kOther;
  }

  int open_out(const std::string& path, int flags) {
    struct open_how how = {};
    how.flags = static_cast<uint64_t>(flags) | O_CLOEXEC | O_NOFOLLOW;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    std::string rel = path == "/" ? "." : path.substr(1);
    return static_cast<int>(syscall(SYS_openat2, out_.get(), rel.c_str(), &how, sizeof how));
  }
  // The output directory PATH, kept open while the paths below it are made
  // (sorted order: the children of one directory come one after another).
  // Borrowed: valid until the next call. Our directories are never removed
  // or replaced while we copy, so the fd keeps naming PATH.
  // Shared with the file copies queued for it, which may run after the
  // cache has moved on to the next directory.
  int cached_out_dir(const std::string& path) {
    if (!out_dir_fd_ || path != out_dir_path_) {
      out_dir_fd_ = std::make_shared<UniqueFd>(open_out_dir(path));
      out_dir_path_ = path;
      // The group a file made in it gets: the directory's when it is setgid.
      struct stat st;
      if (fstat(out_dir_fd_->get(), &st) != 0) fail("cannot open output directory " + path, errno);
      out_dir_new_gid_ = (st.st_mode & S_ISGID) ? st.st_gid : getegid();
    }
    return out_dir_fd_->get();
  }
  int open_out_dir(const std::string& path) {
    int fd = path == "/" ? dup(out_.get()) : open_out(path, O_PATH | O_DIRECTORY);
    if (fd < 0) fail("cannot open output directory " + path, errno);
    return fd;
  }

  // --- owner, mode, xattrs: on disk when possible, else in the metadata table ---

  // Runs CHOWN as root; false when the owner must be recorded instead (not
  // root, or an id the kernel cannot map, as in a user namespace).
  template <typename F>
  bool try_chown(F chown_call, const std::string& path) {
    if (!as_root_) return false;
    if (chown_call() == 0) return true;
    if (errno == EPERM || errno == EINVAL) return false;
    fail("cannot chown " + path, errno);
  }

  // The permission bits the disk copy gets when the source owner could not
  // be set: no setuid/setgid on a file now owned by someone else, and
  // directories stay writable by the builder.
  static mode_t disk_mode(const struct stat& st, bool owner_kept) {
    mode_t m = st.st_mode & 07777;
    if (owner_kept) return m;
    if (!S_ISDIR(st.st_mode)) m &= ~static_cast<mode_t>(S_ISUID | S_ISGID);
    if (S_ISDIR(st.st_mode)) m |= S_IRWXU;
    return m;
  }

  EntryMetadata& metadata_of(const std::string& path, const struct stat& st) {
    auto [it, added] = result_.metadata.try_emplace(path.substr(1));
    if (added) it->second = {st.st_uid, st.st_gid, static_cast<mode_t>(st.st_mode & 07777), {}};
    return it->second;
  }

  // After a failed chown: the source's owner and mode go to the table, and
  // what the disk copy lacks is counted.
  void record_unkept(const std::string& path, const struct stat& st, const struct stat& disk, mode_t mode_on_disk) {
    std::lock_guard lock(result_mu_);
    metadata_of(path, st);
    if (disk.st_uid != st.st_uid || disk.st_gid != st.st_gid) ++result_.owners_not_kept;
    if (mode_on_disk != (st.st_mode & 07777) && !S_ISLNK(st.st_mode)) ++result_.modes_not_kept;
  }

  void set_owner_mode(int fd, const struct stat& st, const std::string& path) {
    bool chowned = try_chown([&] { return fchown(fd, st.st_uid, st.st_gid); }, path);
    struct stat disk = {};
    // The copy's owner matters only when it could not be set.
    if (!chowned && fstat(fd, &disk) != 0) fail("cannot stat the copy of " + path, errno);
    bool owner_same = chowned || (disk.st_uid == st.st_uid && disk.st_gid == st.st_gid);
    mode_t mode = disk_mode(st, owner_same);
    // chown clears setuid/setgid, so the mode goes after it.
    if (fchmod(fd, mode) != 0) fail("cannot chmod " + path, errno);
    if (!chowned) record_unkept(path, st, disk, mode);
  }

  // For entries without an fd of their own (symlinks, FIFOs).
  void set_owner_at(int dir, const std::string& name, const struct stat& st, const std::string& path) {
    bool chowned = try_chown([&] { return fchownat(dir, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW); }, path);
    struct stat disk;
    if (fstatat(dir, name.c_str(), &disk, AT_SYMLINK_NOFOLLOW) != 0) fail("cannot stat the copy of " + path, errno);
    bool owner_same = chowned || (disk.st_uid == st.st_uid && disk.st_gid == st.st_gid);
    mode_t mode = S_ISLNK(st.st_mode) ? st.st_mode & 07777 : disk_mode(st, owner_same);
    if (!S_ISLNK(st.st_mode) && fchmodat(dir, name.c_str(), mode, 0) != 0) fail("cannot chmod " + path, errno);
    if (!chowned) record_unkept(path, st, disk, mode);
  }

  void copy_xattrs(int from, int to, const std::string& path, const struct stat& st) {
    char names[65536];
    ssize_t n = flistxattr(from, names, sizeof names);
    if (n <= 0) return;
    for (char* name = names; name < names + n; name += strlen(name) + 1) {
      char value[65536];
      ssize_t len = fgetxattr(from, name, value, sizeof value);
      if (len < 0) continue;
      if (fsetxattr(to, name, value, static_cast<size_t>(len), 0) == 0) continue;
      // Not root: security.* and trusted.* are refused; the layer still gets them.
      if (as_root_) spdlog::warn("build: cannot keep xattr {} of {}: {}", name, path, strerror(errno));
      std::lock_guard lock(result_mu_);
      metadata_of(path, st).xattrs.emplace_back(name, std::string(value, static_cast<size_t>(len)));
      ++result_.xattrs_not_kept;
    }
  }

  // --- the kinds of entries ---

  // False when the file vanished or was replaced since it was listed.
  // The source is opened here, in order; the output file is made by a
  // worker (creating, filling and stamping 10^5 files is kernel work that
  // runs on every core). A second name of an inode is linked here, to a
  // first copy made here too: a link never waits on a queued copy.
  bool copy_file(const std::string& path, const struct stat& listed, int dir, const std::string& name) {
    auto key = std::make_pair(listed.st_dev, listed.st_ino);
    if (listed.st_nlink > 1) {
      if (auto it = links_.find(key); it != links_.end()) {
        link_to_copy(it->second, path, dir, name);
        return true;
      }
    }
    // O_NONBLOCK: a FIFO swapped in since the lstat must not hang the copy.
    UniqueFd in(src_.open_nofollow(path, O_RDONLY | O_NONBLOCK | O_NOCTTY));
    if (!in && vanished_errno(errno)) return false;
    if (!in) fail("cannot read " + src_.root() + path, errno);
    struct stat st;  // of what was opened: the metadata of the bytes copied
    if (fstat(in.get(), &st) != 0) fail("cannot read " + src_.root() + path, errno);
    if (!S_ISREG(st.st_mode)) return false;
    // The common case, root copying a root-owned 0644 or 0755 file: created
    // with its owner and mode as they are to be (no fchown, no fchmod).
    // Setuid/setgid/sticky bits always go through fchmod, after any chown.
    // (DIR is always the cached output directory: create() is given no other.)
    bool made_as_source = as_root_ && out_dir_fd_ && dir == out_dir_fd_->get() && umask_ != kUnknownUmask &&
                          !(st.st_mode & 07000) && !(st.st_mode & umask_) && st.st_uid == euid_ &&
                          st.st_gid == out_dir_new_gid_;
    if (st.st_nlink > 1) {
      write_file(in, dir, name, path, st, made_as_source);
      links_[key] = path;
      return true;
    }
    batch_.push_back({std::move(in), out_dir_fd_, name, path, st, made_as_source});
    if (batch_.size() >= kBatch) flush_copies();
    return true;
  }

  // A regular file opened in order, to be written by a worker.
  struct FileCopy {
    UniqueFd in;
    std::shared_ptr<UniqueFd> out_dir;  // kept open for it: the cache may have moved on
    std::string name, path;
    struct stat st;
    bool made_as_source;
  };

  void flush_copies() {
    if (batch_.empty()) return;
    auto batch = std::make_shared<std::vector<FileCopy>>(std::move(batch_));
    batch_.clear();
    copies_.submit([this, batch] {
      for (auto& c : *batch) {
        write_file(c.in, c.out_dir->get(), c.name, c.path, c.st, c.made_as_source);
        c.in = UniqueFd();  // closed as soon as copied
      }
    });
  }

  // Makes NAME in DIR a copy of the open source file IN (stat ST). Runs on a
  // worker: touches the shared result only under result_mu_.
  void write_file(const UniqueFd& in, int dir, const std::string& name, const std::string& path,
                  const struct stat& st, bool made_as_source) {
    mode_t create_mode = made_as_source ? (st.st_mode & 0777) : 0600;
    UniqueFd out(openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, create_mode));
    if (!out) fail("cannot create " + path, errno);
    uint64_t copied = copy_data(in.get(), out.get(), st.st_size, path);
    if (!made_as_source) set_owner_mode(out.get(), st, path);
    copy_xattrs(in.get(), out.get(), path, st);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    futimens(out.get(), times);
    std::lock_guard lock(result_mu_);
    ++result_.files;
    result_.bytes += copied;
    result_.file_sizes.emplace_back(path, copied);
  }

  // Copies up to SIZE bytes; a file that shrinks meanwhile ends early.
  uint64_t copy_data(int in, int out, off_t size, const std::string& path) {
    uint64_t copied = 0;
    off_t left = size;
    while (left > 0) {
      throw_if_interrupted();
      size_t chunk = static_cast<size_t>(std::min<off_t>(left, kCopyChunk));
      ssize_t n = -1;
      if (range_copy_) {
        n = copy_file_range(in, nullptr, out, nullptr, chunk, 0);
        // Across filesystems (a source on ext4, the output on tmpfs) it
        // fails for every file: not tried again.
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP)) range_copy_ = false;
      }
      if (!range_copy_ || (n < 0 && errno == EINVAL)) n = sendfile(out, in, nullptr, chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("cannot copy " + path, errno);
      if (n == 0) break;  // the file shrank while we copied
      left -= n;
      copied += static_cast<uint64_t>(n);
    }
    return copied;
  }

  // A second name of an inode already copied: a hard link to that copy.
  void link_to_copy(const std::string& first, const std::string& path, int dir, const std::string& name) {
    UniqueFd target_dir(open_out_dir(parent_path(first)));
    if (linkat(target_dir.get(), base_name(first).c_str(), dir, name.c_str(), 0) != 0)
      fail("cannot hard-link " + path, errno);
    std::lock_guard lock(result_mu_);
    result_.more_links.push_back(path);
    if (auto it = result_.metadata.find(first.substr(1)); it != result_.metadata.end())
      result_.metadata[path.substr(1)] = it->second;
  }

  // FD: the output directory PATH, opened for reading.
  void apply_dir_meta(const std::string& path, const struct stat& st, UniqueFd fd) {
    if (!fd) fail("cannot open output directory " + path, errno);
    set_owner_mode(fd.get(), st, path);
    UniqueFd in(src_.open_nofollow(path, O_RDONLY | O_DIRECTORY));
    if (in) copy_xattrs(in.get(), fd.get(), path, st);
    dir_mtimes_[path] = st.st_mtim;
  }

  void make_dir(const std::string& path, const struct stat& st, int dir, const std::string& name) {
    if (mkdirat(dir, name.c_str(), 0700) != 0) fail("cannot create directory " + path, errno);
    apply_dir_meta(path, st, UniqueFd(openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)));
  }

  // False when the link vanished or stopped being one since it was listed.
  bool make_symlink(const std::string& path, const struct stat& st, int dir, const std::string& name) {
    auto target = src_.readlink(path);
    if (!target) return false;
    if (symlinkat(target->c_str(), dir, name.c_str()) != 0) fail("cannot create symlink " + path, errno);
    set_owner_at(dir, name, st, path);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    utimensat(dir, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
    return true;
  }

  void make_node(const std::string& path, const struct stat& st, int dir, const std::string& name) {
    if (mknodat(dir, name.c_str(), st.st_mode & ~static_cast<mode_t>(07000), st.st_rdev) != 0)
      fail("cannot create node " + path, errno);
    set_owner_at(dir, name, st, path);
  }

  const RootFs& src_;
  CopyOptions opts_;  // a copy: RootfsCopy may outlive the options it was given
  UniqueFd out_;
  std::string out_dir_path_;  // cached_out_dir's
  std::shared_ptr<UniqueFd> out_dir_fd_;
  uid_t euid_ = geteuid();
  bool as_root_ = euid_ == 0;
  std::atomic<bool> range_copy_ = true;  // copy_file_range works between the source and the output
  static constexpr mode_t kUnknownUmask = ~mode_t{0};
  mode_t umask_ = current_umask();
  gid_t out_dir_new_gid_ = 0;  // cached_out_dir's: the group of files made in it
  std::map<std::string, bool> done_;  // path -> is a directory in the output
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
  std::map<std::string, struct timespec> dir_mtimes_;
  std::mutex result_mu_;  // result_ while copies_ runs
  CopyResult result_;
  std::vector<FileCopy> batch_;  // not yet handed to copies_
  // Last: destroyed first, so no queued copy outlives what it uses.
  TaskPool copies_{TaskPool::file_workers(), kQueuedBatches};
};

namespace {

// Where a path of the source really is: a path may name a link on its way
// (/lib/x -> /usr/lib/x). Adds every link on the way and the object at its
// physical place to OUT; returns the physical place.
std::string add_physical(const RootFs& src, const std::string& raw, std::set<std::string>& out) {
  std::string p = lexical_normalize(raw);
  Resolution parent = resolve_in_root(src, parent_path(p));
  for (auto& hop : parent.hops) out.insert(hop.link);
  std::string phys = parent.path == "/" ? "/" + base_name(p) : parent.path + "/" + base_name(p);
  out.insert(phys);
  return phys;
}

}  // namespace

RootfsCopy::RootfsCopy(const RootFs& src, const std::string& out_dir, const CopyOptions& opts)
    : src_(src), c_(std::make_unique<Copier>(src, out_dir, opts)) {}

RootfsCopy::~RootfsCopy() = default;

void RootfsCopy::copy_paths(const std::vector<std::string>& paths) {
  std::set<std::string> physical;
  for (auto& raw : paths) {
    throw_if_interrupted();
    add_physical(src_, raw, physical);
  }
  for (auto& p : physical) c_->copy(p);
  c_->drain();  // what comes next (the package step) reads the output
}

std::optional<std::string> RootfsCopy::write_generated(const std::string& path, const std::string& content) {
  std::set<std::string> on_the_way;
  std::string phys = add_physical(src_, path, on_the_way);
  on_the_way.erase(phys);
  for (auto& p : on_the_way) c_->copy(p);
  std::string parent = parent_path(phys);
  c_->copy(parent);
  if (!c_->is_output_dir(parent)) {
    spdlog::warn("build: cannot write {}: the source has no directory {}", printable_name(path), printable_name(parent));
    return std::nullopt;
  }
  c_->write_generated(phys, content);
  return phys;
}

CopyResult RootfsCopy::finish() {
  c_->finish();
  return c_->take();
}

CopyResult copy_into(const RootFs& src, const std::vector<std::string>& paths, const std::string& out_dir,
                     const CopyOptions& opts) {
  RootfsCopy c(src, out_dir, opts);
  c.copy_paths(paths);
  return c.finish();
}

std::string not_root_warning() {
  if (geteuid() == 0) return "";
  return "not root: the output directory keeps contents, modes and times, but not the source's owners (every file "
         "becomes yours), setuid/setgid on files it makes yours, or security.*/trusted.* xattrs (file capabilities); "
         "run as root, or use --format oci, whose layer keeps them";
}

std::string not_kept_summary(const CopyResult& r) {
  if (!r.owners_not_kept && !r.modes_not_kept && !r.xattrs_not_kept) return "";
  return std::string(geteuid() == 0 ? "" : "not root: ") + "the output directory lacks " +
         std::to_string(r.owners_not_kept) + " owners, " +
         std::to_string(r.modes_not_kept) + " modes and " + std::to_string(r.xattrs_not_kept) +
         " xattrs of the source";
}

}  // namespace pare
