// Closure: what tracing saw, plus what that needs to run again. Adds ELF
// dependencies (PT_INTERP, DT_NEEDED through RPATH/RUNPATH/$ORIGIN, ld.so.conf
// and default dirs), the symlinks on the way to every kept path, rule packs,
// --include globs and every parent directory; removes --exclude globs; marks
// pseudo-filesystem paths (kept for audit, never copied). Each added entry
// says why it is kept.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <functional>

#include "closure/state_dirs.h"
#include "manifest/manifest.h"
#include "resolve/root_fs.h"

namespace pare {

struct ClosureOptions {
  std::set<std::string> disabled_rules;  // --no-rule NAME
  std::set<std::string> forced_rules;    // --rule NAME: apply even when its trigger was not seen
  std::vector<std::string> includes;     // --include GLOB
  std::vector<std::string> excludes;     // --exclude GLOB
  std::vector<std::string> state_dirs;   // --state-dir DIR: kept whole (closure/state_dirs.h)
  std::vector<StateDir> volumes;         // image VOLUMEs (slim): kept whole unless --no-rule state-dirs
  std::vector<std::string> keep_listed;  // --keep-listed GLOB: every entry of a listed directory matching it
  // Whether a path was made by the recorded run (record sets it; empty: the manifest's marks).
  std::function<bool(const std::string&)> created;
};

struct ClosureStats {
  size_t elf_dependencies = 0;
  size_t rule_paths = 0;
  size_t included = 0;
  size_t parent_dirs = 0;
  size_t state_paths = 0;
  size_t listed_entries = 0;
  std::vector<StateDir> state_dirs;  // kept whole, for the report
  size_t excluded = 0;
  std::vector<std::string> unresolved;  // "libfoo.so.1 needed by /usr/bin/x": reported, makes nothing up
};

// Throws Error(kExitUsage) for an unknown rule name in --no-rule or --rule.
void validate_closure_options(const ClosureOptions& opts);

ClosureStats apply_closure(Manifest& m, const RootFs& fs, const ClosureOptions& opts);

// Paths on /proc, /sys, /dev and /run's runtime mounts: the runtime provides them.
bool is_pseudo_path(const std::string& path);

}  // namespace pare
