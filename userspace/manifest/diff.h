// What changed between two manifests: paths kept, failed lookups and
// executables added or removed (B relative to A).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "manifest/manifest.h"

namespace pare {

struct ManifestDiff {
  std::vector<std::string> added_paths, removed_paths;
  std::vector<std::string> added_missing, removed_missing;
  std::vector<std::string> added_processes, removed_processes;
  std::vector<std::string> added_syscalls, removed_syscalls;
  bool empty() const;
};

ManifestDiff diff_manifests(const Manifest& a, const Manifest& b);
nlohmann::json diff_to_json(const ManifestDiff& d);
// "+ /path  (kinds)" / "- /path" lines, grouped by section.
std::string diff_to_text(const ManifestDiff& d, const Manifest& a, const Manifest& b);

}  // namespace pare
