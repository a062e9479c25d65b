// Path globs for --include/--exclude and rule packs: `*`, `?` and `[...]`
// within one component, `**` for any number of components (including none).
#pragma once

#include <string>
#include <vector>

#include "resolve/root_fs.h"

namespace pare {

bool glob_match(const std::string& pattern, const std::string& path);

// Existing paths inside the root that match PATTERN (absolute), sorted. Does
// not follow symlinks to directories while walking `**`.
std::vector<std::string> glob_expand(const RootFs& fs, const std::string& pattern);

}  // namespace pare
