// `--container NAME|ID`: a running container found through its engine's CLI
// (podman, containerd's crictl or ctr), down to the one thing pare needs: the
// pid of its init, whose mount namespace and /proc/PID/root are then recorded
// like `--pid` of a containerised process. pare reads no engine state itself:
// each engine's own CLI knows its stores, namespaces and sockets.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace pare {

struct FoundContainer {
  std::string name;     // as the user gave it
  std::string id;       // the engine's id (what `exec` takes)
  pid_t pid = 0;        // the container's init, as the host sees it
  std::string cli;      // "podman", "crictl" or "ctr"
  std::string cli_path; // the program that found it
};

// Finds NAME with RUNTIME_CLI ("podman", "crictl", "ctr"; "" = the first of
// them installed, in that order). ctr looks in CONTAINERD_NAMESPACE (its own
// variable; default "default"), crictl at its configured endpoint. Throws
// Error(kExitUsage) for an unknown RUNTIME_CLI, Error(kExitEnvironment) when
// the tool is not installed, Error(kExitTarget) when the container does not
// exist or is not running.
FoundContainer find_container(const std::string& name, const std::string& runtime_cli);

// What each CLI prints, read (exposed for tests). Each returns the init pid of
// a running container, or nullopt with *WHY saying what was seen instead.
// podman: `podman container inspect --format '{{.State.Pid}} {{.State.Status}} {{.Id}}'`.
std::optional<pid_t> parse_podman_state(const std::string& out, std::string* id, std::string* why);
// crictl: `crictl inspect ID` (JSON: status.state, status.id, info.pid).
std::optional<pid_t> parse_crictl_inspect(const std::string& out, std::string* id, std::string* why);
// ctr: `ctr task ls` (a table: TASK PID STATUS), the row of task NAME.
std::optional<pid_t> parse_ctr_tasks(const std::string& out, const std::string& name, std::string* why);

}  // namespace pare
