#include "agent/scope_manifest.h"

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/timestamps.h"
#include "common/version.h"
#include "manifest/trace_to_manifest.h"
#include "record/created_paths.h"
#include "resolve/root_fs.h"
#include "seccomp/syscall_names.h"

namespace pare {

Manifest scope_manifest(const ContainerScope& s, const ScopeFlush& f) {
  if (s.root_fd < 0) throw Error(kExitFailure, "its root could not be opened (it ended before pare saw it run)");
  // The held descriptor, reopened through /proc/self/fd: the root as it was, wherever /proc/INIT is now.
  RootFs root("/proc/self/fd/" + std::to_string(s.root_fd));
  RootFs::StableTree stable(root);  // one flush: directories kept open only while it runs
  Manifest m;
  m.tool_version = kVersion;
  m.schema_version = kManifestSchemaVersion;
  m.target.root = "/";
  m.started_at = s.started_at;
  m.ended_at = s.ended ? s.ended_at : utc_now();
  m.syscalls.emplace();
  for (uint32_t nr : f.syscalls)
    m.syscalls->insert(syscall_name(static_cast<int>(nr)).value_or("syscall_" + std::to_string(nr)));
  // Drops are counted for the whole node: any drop while this container ran may be one of its records.
  TraceTotals totals;
  for (auto& [type, n] : f.drops_now) {
    auto was = s.drops_at_start.find(type);
    totals.drops[type] = n - (was == s.drops_at_start.end() ? 0 : std::min(was->second, n));
  }
  fill_manifest_from_trace(m, s.agg.observations(), totals, root);
  // Everything the container made since it was created is not image content
  // (a restarted container finds the files of its earlier runs).
  struct timespec since = s.since;
  if (s.container && s.container->created_unix && *s.container->created_unix < since.tv_sec)
    since = {static_cast<time_t>(*s.container->created_unix), 0};
  CreationOracle oracle(root, since);
  try {
    if (f.closure) {
      ClosureOptions closure = f.closure_opts ? *f.closure_opts : ClosureOptions{};
      closure.created = [&oracle](const std::string& p) { return oracle.created(p); };
      apply_closure(m, root, closure);
    }
    mark_created(m, oracle);
  } catch (const Interrupted&) {
    m.complete = false;
    m.incomplete_reasons.push_back("the agent was stopped twice during the closure: ELF dependencies, rule packs and "
                                   "parent directories may be missing (run pare manifest --rootfs to complete it)");
  }
  if (s.adopted) {
    m.complete = false;
    m.incomplete_reasons.push_back("the container was running before pare agent scoped it: its start-up was not seen");
  }
  return m;
}

}  // namespace pare
