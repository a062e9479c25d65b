// Copies chosen paths from a source root into a new output tree, keeping
// what makes a file work: type, mode with setuid/setgid/sticky, owner, mtime,
// xattrs (security.capability above all) and hard links. The source is read
// only through RootFs (RESOLVE_IN_ROOT): its symlinks cannot point the copy
// elsewhere. The output is written only through directories opened with
// RESOLVE_NO_SYMLINKS: a symlink this copy created cannot redirect a write.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "resolve/root_fs.h"

namespace pare {

struct CopyResult {
  uint64_t entries = 0;   // everything created
  uint64_t files = 0;     // regular files (hard links counted once)
  uint64_t bytes = 0;     // bytes of regular files
  std::vector<std::string> not_in_source;  // manifest paths the source does not have
};

// OUT_DIR must be an existing empty directory. PATHS are absolute paths inside
// the source root; parents are created with the source's metadata.
CopyResult copy_into(const RootFs& src, const std::vector<std::string>& paths, const std::string& out_dir);

}  // namespace pare
