#include "record/created_paths.h"

#include <sys/stat.h>

#include "common/interrupt.h"
#include "resolve/symlink_chain.h"

namespace pare {

namespace {

bool after(const struct statx_timestamp& t, const struct timespec& since) {
  return t.tv_sec > since.tv_sec || (t.tv_sec == since.tv_sec && t.tv_nsec > static_cast<uint32_t>(since.tv_nsec));
}

bool at_or_after(const struct statx_timestamp& t, const struct timespec& since) {
  return t.tv_sec > since.tv_sec || (t.tv_sec == since.tv_sec && t.tv_nsec >= static_cast<uint32_t>(since.tv_nsec));
}

}  // namespace

struct timespec coarse_now() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return ts;
}

struct timespec coarse_now_then_next_tick() {
  struct timespec since = coarse_now();
  for (;;) {
    struct timespec now = coarse_now();
    if (now.tv_sec != since.tv_sec || now.tv_nsec != since.tv_nsec) return since;
    struct timespec nap = {0, 500 * 1000};
    nanosleep(&nap, nullptr);
  }
}

bool CreationOracle::created(const std::string& path) const {
  if (pristine_) return !pristine_->lstat(path) && root_.lstat(path).has_value();
  if (path == "/") return false;
  // An inode born after SINCE got its name through an operation on its
  // directory after SINCE (create, rename, link), which set the directory's
  // ctime then; ctime cannot be set from userspace. So in a directory whose
  // ctime is older, nothing is new: one statx per directory instead of one
  // per file (a recording of 10^5 files in a few thousand directories).
  std::string parent = parent_path(path);
  if (parent != last_dir_) {
    auto dir = root_.lstatx(parent, STATX_CTIME);
    last_dir_unchanged_ = dir && (dir->stx_mask & STATX_CTIME) && !at_or_after(dir->stx_ctime, since_);
    last_dir_ = std::move(parent);
  }
  if (last_dir_unchanged_) return false;
  // Never following a final symlink: a link has its own birth time.
  auto stx = root_.lstatx(path, STATX_BTIME);
  return stx && (stx->stx_mask & STATX_BTIME) && after(stx->stx_btime, since_);
}

size_t mark_created(Manifest& m, const CreationOracle& oracle) {
  size_t n = 0;
  for (auto& [path, e] : m.paths) {
    throw_if_interrupted();
    if (e.pseudo || e.type == "absent") continue;
    // The trace's own evidence: asked for and not found, then created.
    auto miss = m.missing.find(path);
    bool failed_then_created = e.kinds.count("create") && miss != m.missing.end() && miss->second.errors.count("ENOENT");
    if (oracle.created(path) || failed_then_created) {
      e.created = true;
      ++n;
    }
  }
  return n;
}

}  // namespace pare
