// Rule packs: files an app needs to run again that tracing alone may not show
// (it read them once, or only on a code path the test traffic did not hit).
// Each pack is on by default, switchable by name, and says when it applies.
#pragma once

#include <string>
#include <vector>

#include "manifest/manifest.h"
#include "resolve/root_fs.h"

namespace pare {

struct RulePack {
  std::string name;
  std::string description;
};

const std::vector<RulePack>& rule_packs();

// Paths (globs allowed, inside the root) pack NAME adds for manifest M, or
// empty when the pack does not apply to what M shows (unless FORCE).
std::vector<std::string> rule_pack_paths(const std::string& name, const Manifest& m, const RootFs& fs,
                                         bool force = false);

}  // namespace pare
