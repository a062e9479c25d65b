// One container scope -> its manifest, like `pare record` makes one at the end
// of a recording: the aggregated records resolved against the container's own
// root (the O_PATH descriptor of /proc/INIT/root the scope holds, so this
// works after the container ended, while its engine has not yet removed the
// root), the closure (same options as record), the paths the container created,
// and its own syscalls (the kernel's per-namespace bitmap). Paths are as the
// container sees them; target.root is "/" so manifests of one image merge
// into one target whatever host pid their containers had.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "agent/container_scopes.h"
#include "closure/closure.h"
#include "manifest/manifest.h"

namespace pare {

struct ScopeFlush {
  std::set<uint32_t> syscalls;                // the namespace's syscall numbers
  std::map<std::string, uint64_t> drops_now;  // the kernel's global drop counters now
  bool closure = true;
  const ClosureOptions* closure_opts = nullptr;
};

// Throws Error when the scope has no root to resolve paths in. A second
// SIGINT/SIGTERM during the closure keeps the traced paths and marks the
// manifest incomplete (the signal stays set for the caller to see).
Manifest scope_manifest(const ContainerScope& s, const ScopeFlush& f);

}  // namespace pare
