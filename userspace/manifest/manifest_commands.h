// `pare manifest` (closure over one or more recordings), `pare merge` and
// `pare diff`: manifest in, manifest (or differences) out.
#pragma once

#include <string>
#include <vector>

#include "closure/closure.h"

namespace pare {

struct ManifestCommandOptions {
  std::vector<std::string> inputs;
  std::string rootfs;  // closure root; required by `manifest`
  std::string output;  // stdout when empty
  ClosureOptions closure;
};

int run_manifest_closure(const ManifestCommandOptions& opts);
int run_merge(const std::vector<std::string>& inputs, const std::string& output);
// Returns 1 when EXIT_CODE is set and the manifests differ (like `git diff --exit-code`).
int run_diff(const std::string& a, const std::string& b, bool json, bool exit_code);
std::string rules_help();

}  // namespace pare
