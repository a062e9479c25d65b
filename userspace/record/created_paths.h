// Files the recorded run created are not image content: a database file, a
// pid or lock file, a cache, an "already initialised" marker or a directory
// made with mkdir would make the image look as if the app had run before.
//
// How a path is known to be new: when the recording ran over a copy of a
// pristine source (pare slim's overlay), a path the source does not have is
// new. Otherwise (record -- CMD, --bundle, --pid on a live root) a path whose
// inode was born (statx birth time) after the recording started is new; a
// filesystem without birth times falls back to what the trace itself showed:
// a lookup that failed with ENOENT, then a create. A file replaced by rename
// during the run is born anew and counts as created, like any atomic rewrite.
#pragma once

#include <ctime>
#include <optional>
#include <string>

#include "manifest/manifest.h"
#include "resolve/root_fs.h"

namespace pare {

class CreationOracle {
 public:
  // ROOT: where the app ran; SINCE: wall-clock start of the recording;
  // PRISTINE: the untouched source the run's root is an overlay of, if any.
  CreationOracle(const RootFs& root, struct timespec since, const RootFs* pristine = nullptr)
      : root_(root), since_(since), pristine_(pristine) {}

  // PATH (physical, inside the root) exists now and did not before the recording.
  bool created(const std::string& path) const;

 private:
  const RootFs& root_;
  struct timespec since_;
  const RootFs* pristine_;
  // The last directory looked at, and whether its ctime is before SINCE (paths come sorted).
  mutable std::string last_dir_;
  mutable bool last_dir_unchanged_ = false;
};

// Marks every path the oracle says is new (or that the trace saw fail with
// ENOENT and then create) as `created`; returns how many.
size_t mark_created(Manifest& m, const CreationOracle& oracle);

// Wall clock for SINCE, on the same coarse clock the kernel stamps inodes with.
struct timespec coarse_now();

// SINCE for a run about to start: coarse_now(), returned once the coarse clock
// has moved past it. An inode born within SINCE's own tick cannot be told from
// one born just before the recording began (created() wants a birth strictly
// after SINCE), so the run must not start inside that tick: a quick
// `mkdir d` would be taken for old. Costs at most one tick (a few ms).
struct timespec coarse_now_then_next_tick();

}  // namespace pare
