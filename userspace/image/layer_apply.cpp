#include "image/layer_apply.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "common/error.h"
#include "common/interrupt.h"
#include "image/archive_util.h"
#include "image/layer_paths.h"
#include "image/safe_fs.h"
#include "image/unpack_budget.h"

namespace pare {

namespace {

// Everything kept from an entry; never fflags (an immutable file would block
// the next layer) and never names mapped to host users (numeric ids only: no
// lookup function is installed).
constexpr int kExtractFlags = ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                              ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                              ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;

// libarchive writes relative to the working directory; holding it at the
// rootfs is what makes its NOABSOLUTEPATHS/NODOTDOT checks mean "inside DEST".
class CwdGuard {
 public:
  explicit CwdGuard(int dir_fd) {
    saved_ = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (saved_ < 0) throw Error(kExitFailure, errno_message("cannot remember the working directory", errno));
    if (fchdir(dir_fd) != 0) {
      int err = errno;
      close(saved_);
      throw Error(kExitFailure, errno_message("cannot enter the unpack directory", err));
    }
  }
  ~CwdGuard() {
    if (fchdir(saved_) != 0) spdlog::error("cannot restore the working directory: {}", std::strerror(errno));
    close(saved_);
  }
  CwdGuard(const CwdGuard&) = delete;
  CwdGuard& operator=(const CwdGuard&) = delete;

 private:
  int saved_ = -1;
};

bool is_disk_errno(int err) { return err == ENOSPC || err == EDQUOT || err == EIO || err == EROFS || err == ENOMEM; }

// The first component of REL (a clean path) that is a symlink, for messages.
std::string first_symlink(int root_fd, const std::string& rel) {
  std::string prefix;
  size_t i = 0;
  while (i < rel.size()) {
    size_t j = rel.find('/', i);
    if (j == std::string::npos) j = rel.size();
    prefix = rel.substr(0, j);
    i = j + 1;
    UniqueFd fd(open_no_symlinks(root_fd, prefix, O_PATH | O_NOFOLLOW));
    struct stat st;
    if (fd && fstat(fd.get(), &st) == 0 && S_ISLNK(st.st_mode)) return prefix;
  }
  return rel;
}

// Opens directory DIR (clean, relative to the root) without crossing a
// symlink. Returns an empty fd when DIR (or a component of it) does not exist
// or is not a directory; throws when the path goes through a symlink.
UniqueFd open_dir_for(int root_fd, const std::string& dir, const std::string& subject, const std::string& what) {
  UniqueFd fd(open_no_symlinks(root_fd, dir, O_PATH | O_DIRECTORY));
  if (fd) return fd;
  int err = errno;
  if (err == ENOENT || err == ENOTDIR) return fd;
  if (err == ELOOP || err == EXDEV)
    throw Error(kExitBadInput, what + ": '" + subject + "' goes through the symlink '" + first_symlink(root_fd, dir) +
                                   "'; refusing to follow links while unpacking");
  throw Error(kExitFailure, errno_message(what + ": cannot open '" + dir + "'", err));
}

struct Scan {
  std::vector<std::string> opaque_dirs;
  std::vector<Whiteout> removals;
  std::set<std::string> parents;     // directories holding an entry or whiteout of this layer
  std::set<std::string> entry_dirs;  // directories that are entries themselves (their times are in the tar)
};

// The times a directory ends the layer with.
struct SavedTimes {
  std::string dir;
  struct timespec times[2];  // atime, mtime
};

// A directory entry's times from its header (an atime the tar lacks is left alone).
SavedTimes header_times(archive_entry* e, const std::string& clean) {
  SavedTimes t{clean, {{0, UTIME_OMIT}, {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}}};
  if (archive_entry_atime_is_set(e)) t.times[0] = {archive_entry_atime(e), archive_entry_atime_nsec(e)};
  return t;
}

// The content bytes an entry's header declares (a sparse file's full size).
uint64_t declared_size(archive_entry* e) {
  la_int64_t n = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
  return n > 0 ? static_cast<uint64_t>(n) : 0;
}

std::string subject(const std::string& what, const std::string& entry) { return what + ": '" + entry + "'"; }

// Pass 1: every name is checked before the layer changes anything, the
// whiteouts are collected so they can act before the entries are extracted,
// and the sizes the headers declare are added up: a layer that cannot fit the
// budget is refused at the header that tips it over, before a byte is written
// (and before the rest of a gzip bomb is even decompressed).
Scan scan_layer(const std::string& path, const std::string& what, const UnpackBudget& budget) {
  Scan s;
  ArchiveReader a = open_tar_reader(path, what);
  archive_entry* e = nullptr;
  int r;
  uint64_t declared = 0;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    throw_if_interrupted();
    const char* raw = archive_entry_pathname(e);
    if (!raw) throw Error(kExitBadInput, what + ": entry without a name");
    std::string clean = clean_entry_path(raw, what);
    uint64_t size = declared_size(e);
    uint64_t cost = kTarEntryOverhead + std::min<uint64_t>(size, UINT64_MAX / 2);
    declared = cost > UINT64_MAX - declared ? UINT64_MAX : declared + cost;  // saturating: headers are hostile
    budget.check_fits(declared, subject(what, clean));
    if (const char* hl = archive_entry_hardlink(e)) clean_entry_path(hl, what);
    Whiteout w = classify_whiteout(clean, what);
    if (w.kind == WhiteoutKind::kOpaque) s.opaque_dirs.push_back(w.dir);
    if (w.kind == WhiteoutKind::kRemove) s.removals.push_back(w);
    if (!clean.empty()) s.parents.insert(split_parent(clean).first);
    if (w.kind == WhiteoutKind::kOpaque) s.parents.insert(w.dir);  // emptied: its own time changes too
    if (archive_entry_filetype(e) == AE_IFDIR && !archive_entry_hardlink(e)) s.entry_dirs.insert(clean);
  }
  if (r != ARCHIVE_EOF) throw Error(kExitBadInput, what + ": unreadable tar: " + archive_error(a.get()));
  return s;
}

void apply_whiteouts(const Scan& s, int root_fd, const std::string& what) {
  for (const std::string& dir : s.opaque_dirs) {
    UniqueFd fd = open_dir_for(root_fd, dir, dir + "/.wh..wh..opq", what);
    if (fd) empty_dir(fd.get());
  }
  for (const Whiteout& w : s.removals) {
    std::string shown = (w.dir.empty() ? "" : w.dir + "/") + ".wh." + w.name;
    UniqueFd fd = open_dir_for(root_fd, w.dir, shown, what);
    if (fd) remove_tree_at(fd.get(), w.name);
  }
}

// Makes room for entry CLEAN: its parent must be reachable without a symlink
// (missing directories are fine: libarchive creates them), and whatever a lower
// layer left at CLEAN is removed, unless a directory lands on a directory
// (then the two merge, as in every layered filesystem).
void clear_target(int root_fd, const std::string& clean, bool is_dir, const std::string& what) {
  auto [parent, base] = split_parent(clean);
  UniqueFd pfd(open_no_symlinks(root_fd, parent, O_PATH | O_DIRECTORY));
  if (!pfd) {
    int err = errno;
    if (err == ENOENT) return;
    if (err == ENOTDIR)
      throw Error(kExitBadInput, what + ": entry '" + clean + "' needs a directory where the image has a file");
    open_dir_for(root_fd, parent, clean, what);  // throws the symlink message
    throw Error(kExitFailure, errno_message(what + ": cannot open the parent of '" + clean + "'", err));
  }
  struct stat st;
  if (fstatat(pfd.get(), base.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
  if (S_ISDIR(st.st_mode) && is_dir) return;
  remove_tree_at(pfd.get(), base);
}

// A hard link may only point at an existing non-directory inside the rootfs,
// reached without a symlink (else link() would follow it out of the tree).
void check_hardlink_target(int root_fd, const std::string& clean, const std::string& target, const std::string& what) {
  if (target.empty() || target == clean)
    throw Error(kExitBadInput, what + ": hard link '" + clean + "' points at itself or at the root");
  UniqueFd fd(open_no_symlinks(root_fd, target, O_PATH | O_NOFOLLOW));
  if (!fd) {
    int err = errno;
    if (err == ELOOP || err == EXDEV)
      throw Error(kExitBadInput, what + ": hard link '" + clean + "' -> '" + target + "' goes through the symlink '" +
                                     first_symlink(root_fd, target) + "'; refusing it");
    throw Error(kExitBadInput, errno_message(what + ": hard link '" + clean + "' -> '" + target + "'", err));
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0 || S_ISDIR(st.st_mode))
    throw Error(kExitBadInput, what + ": hard link '" + clean + "' points at a directory ('" + target + "')");
}

// Warnings (an owner or xattr the disk refused) are logged, a few in full.
class WarnLog {
 public:
  explicit WarnLog(std::string what) : what_(std::move(what)) {}
  ~WarnLog() {
    if (count_ > kShown) spdlog::warn("{}: {} more warnings not shown", what_, count_ - kShown);
  }
  void add(const std::string& entry, const std::string& msg) {
    if (++count_ <= kShown) spdlog::warn("{}: {}: {}", what_, entry, msg);
  }

 private:
  static constexpr int kShown = 5;
  std::string what_;
  int count_ = 0;
};

void fail_write(archive* w, const std::string& what, const std::string& entry) {
  int err = archive_errno(w);
  throw Error(is_disk_errno(err) ? kExitFailure : kExitBadInput,
              what + ": cannot extract '" + entry + "': " + archive_error(w));
}

// Copies the entry's data blocks, each metered before it is written: a block
// past the size the header declared is charged as it comes.
void copy_data(archive* r, archive* w, const std::string& what, const std::string& entry, EntryMeter& meter) {
  const void* buf;
  size_t size;
  la_int64_t offset;
  for (;;) {
    throw_if_interrupted();
    int rr = archive_read_data_block(r, &buf, &size, &offset);
    if (rr == ARCHIVE_EOF) return;
    if (rr < ARCHIVE_WARN) throw Error(kExitBadInput, what + ": unreadable data for '" + entry + "': " + archive_error(r));
    if (offset < 0) throw Error(kExitBadInput, what + ": negative data offset in '" + entry + "'");
    meter.writing_up_to(static_cast<uint64_t>(offset) + size);
    if (archive_write_data_block(w, buf, size, offset) < ARCHIVE_WARN) fail_write(w, what, entry);
  }
}

// Pass 2: extract every non-whiteout entry. DIR_TIMES gets each directory
// entry's times: libarchive leaves an existing directory's times as they are
// (a directory of a lower layer that this one carries again), so they are
// set once more at the end.
void extract_entries(const std::string& path, int root_fd, const std::string& what, UnpackBudget& budget,
                     std::vector<SavedTimes>& dir_times) {
  ArchiveReader r = open_tar_reader(path, what);
  ArchiveWriter w(archive_write_disk_new());
  if (!w) throw Error(kExitFailure, "out of memory extracting " + what);
  archive_write_disk_set_options(w.get(), kExtractFlags);
  WarnLog warns(what);
  CwdGuard cwd(root_fd);

  archive_entry* e = nullptr;
  int rr;
  while ((rr = archive_read_next_header(r.get(), &e)) == ARCHIVE_OK || rr == ARCHIVE_WARN) {
    throw_if_interrupted();
    const char* raw = archive_entry_pathname(e);
    if (!raw) throw Error(kExitBadInput, what + ": entry without a name");
    std::string clean = clean_entry_path(raw, what);
    if (clean.empty()) continue;  // the root itself: DEST keeps its own metadata
    if (classify_whiteout(clean, what).kind != WhiteoutKind::kNone) continue;

    const char* hl = archive_entry_hardlink(e);
    mode_t type = archive_entry_filetype(e);
    if (!hl && (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFSOCK)) {
      spdlog::warn("{}: skipping '{}' ({} not unpacked)", what, clean, type == AE_IFSOCK ? "socket" : "device node");
      continue;
    }
    bool is_dir = !hl && type == AE_IFDIR;
    if (is_dir) dir_times.push_back(header_times(e, clean));
    archive_entry_set_pathname(e, clean.c_str());
    if (hl) {
      std::string target = clean_entry_path(hl, what);
      check_hardlink_target(root_fd, clean, target, what);
      archive_entry_set_hardlink(e, target.c_str());
    }
    clear_target(root_fd, clean, is_dir, what);

    // Charged before the header is written: libarchive sizes (and for a
    // sparse entry, extends) the file as soon as it has the header.
    budget.charge(kTarEntryOverhead, subject(what, clean));
    EntryMeter meter(budget, declared_size(e), subject(what, clean));
    int wr = archive_write_header(w.get(), e);
    if (wr < ARCHIVE_WARN) fail_write(w.get(), what, clean);
    if (wr == ARCHIVE_WARN) warns.add(clean, archive_error(w.get()));
    if (archive_entry_size(e) > 0) copy_data(r.get(), w.get(), what, clean, meter);
    int fr = archive_write_finish_entry(w.get());
    if (fr < ARCHIVE_WARN) fail_write(w.get(), what, clean);
    if (fr == ARCHIVE_WARN) warns.add(clean, archive_error(w.get()));
  }
  if (rr != ARCHIVE_EOF) throw Error(kExitBadInput, what + ": unreadable tar: " + archive_error(r.get()));
  // Directory modes and times are set last, once nothing more is added to them.
  if (archive_write_close(w.get()) < ARCHIVE_WARN)
    throw Error(kExitFailure, what + ": cannot finish directories: " + archive_error(w.get()));
}

}  // namespace

// A directory the layer changes (adds to, removes from) without an entry of
// its own keeps the lower layer's times: otherwise each unpack stamps it
// with the current time and the same image gives different trees (and
// layers, and digests). Directories the layer carries get the tar's times.
std::vector<SavedTimes> save_untouched_dir_times(int root_fd, const Scan& s) {
  std::vector<SavedTimes> saved;
  for (const std::string& dir : s.parents) {
    if (s.entry_dirs.count(dir)) continue;
    UniqueFd fd(open_no_symlinks(root_fd, dir, O_PATH | O_DIRECTORY));
    struct stat st;
    if (!fd || fstat(fd.get(), &st) != 0) continue;  // new (libarchive makes it), or not reachable: refused later
    saved.push_back({dir, {st.st_atim, st.st_mtim}});
  }
  return saved;
}

void restore_dir_times(int root_fd, const std::vector<SavedTimes>& saved, const std::string& what) {
  for (const SavedTimes& t : saved) {
    UniqueFd fd(open_no_symlinks(root_fd, t.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    if (!fd) continue;  // removed or replaced by this layer
    if (futimens(fd.get(), t.times) != 0)
      throw Error(kExitFailure, errno_message(what + ": cannot restore the time of '" + t.dir + "'", errno));
  }
}

void apply_layer(const std::string& layer_path, int root_fd, const std::string& what, UnpackBudget& budget) {
  Scan s = scan_layer(layer_path, what, budget);
  std::vector<SavedTimes> times = save_untouched_dir_times(root_fd, s);
  apply_whiteouts(s, root_fd, what);
  extract_entries(layer_path, root_fd, what, budget, times);
  restore_dir_times(root_fd, times, what);
}

void apply_layer(const std::string& layer_path, int root_fd, const std::string& what) {
  UnpackBudget budget(kDefaultMaxUnpackedBytes, root_fd, "the unpack directory");
  apply_layer(layer_path, root_fd, what, budget);
}

}  // namespace pare
