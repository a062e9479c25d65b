// Observations of a recording -> manifest paths: requested names resolved in
// the target's root with every symlink on the way, the PT_INTERP loader of
// every executed ELF, each entry typed by lstat and told why it is kept.
#pragma once

#include <map>
#include <string>

#include "aggregate/observations.h"
#include "manifest/manifest.h"
#include "resolve/root_fs.h"

namespace pare {

struct TraceTotals {
  std::map<std::string, uint64_t> drops;  // per event type name, from the BPF counters
};

// Fills m.paths, m.missing, m.processes, m.unbacked, m.blind_spots, m.drops,
// m.truncated, m.complete and m.incomplete_reasons. Target and times are the caller's.
// OBS is consumed: each object and name is freed once it is in the manifest,
// so a big recording never holds both whole (pass a copy to keep them).
void fill_manifest_from_trace(Manifest& m, Observations obs, const TraceTotals& totals, const RootFs& fs);

}  // namespace pare
