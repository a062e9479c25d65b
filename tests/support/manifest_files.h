// Test support: manifests written to a scratch directory.
#pragma once

#include <map>
#include <string>

#include "support/run_pare.h"

namespace test {

// D/manifest.json: a manifest keeping PATHS (path -> type), each read by the
// traced run; returns its path.
std::string manifest_with(const TempDir& d, const std::map<std::string, std::string>& paths);

}  // namespace test
