// `pare agent --out DIR`: the node agent. One BPF session records every
// container on the node, each in its own scope, and keeps one manifest per
// image in DIR (manifest_store.h), until SIGINT/SIGTERM (or --duration).
//
// How containers are found, from first to last:
//   1. the kernel: in agent mode the exec probe puts every mount namespace
//      other than the host's and pare's own in scope at its first exec — a
//      container's app, from its very first instruction, before any engine
//      event (container_scopes.h: a *pending* scope);
//   2. its name: the container id in that first process's cgroup path,
//      looked up with the engine's CLI (container_engine.h: id, image
//      digest, init pid) — this also names a container that already ended;
//   3. podman's event stream (runtime_events.h): a `start` event names the
//      container running in its init's namespace, for engines whose cgroups
//      carry no id;
//   4. at start-up, the containers already running (`podman ps`, `crictl ps`):
//      scoped from then on, marked incomplete (their start-up was not seen).
// A scope no engine claims within --claim-timeout is ignored.
//
// When a container's init exits (its pidfd), the ring buffer is drained and
// its manifest merged into its image's file; a running container's manifest is
// merged every --flush-interval seconds, so a crash or SIGKILL of the agent
// loses at most that much. SIGINT/SIGTERM: every live container is flushed,
// then exit 0 (a second signal skips the remaining closures; files are still
// written whole).
#pragma once

#include <optional>
#include <string>

#include "closure/closure.h"

namespace pare {

struct AgentOptions {
  std::string out_dir;                 // --out DIR
  std::string runtime_cli;             // --runtime-cli podman|crictl ("" = the first installed)
  double flush_interval_s = 60;        // --flush-interval S
  double claim_timeout_s = 30;         // --claim-timeout S: a namespace no engine names is ignored after this
  std::optional<double> duration_s;    // --duration S: stop by itself (tests, bounded runs)
  bool closure = true;
  ClosureOptions closure_opts;
};

// Runs until stopped. 0: every manifest was written; 1: a write failed (logged).
int run_agent(const AgentOptions& opts);

}  // namespace pare
