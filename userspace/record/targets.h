// What `pare record` records: a command it starts, a running process, a
// running container found by name, or a container it runs from an OCI bundle. Each target knows how to put itself
// in scope, whether it still runs, how to stop it, and where its files are.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pare {

class Probes;

class RecordTarget {
 public:
  virtual ~RecordTarget() = default;
  virtual std::string root() const = 0;        // the directory its paths resolve in
  virtual void start(Probes& probes) = 0;      // in scope, then running
  virtual bool running() = 0;                  // reaps it when it ended; sets exit_status
  virtual bool stoppable() const { return true; }  // false: pare detaches instead (--pid)
  virtual void stop(bool hard) = 0;            // SIGTERM, or SIGKILL when HARD
  virtual void finish() {}                     // last clean-up (delete the container)
  // Variables for traffic commands (PARE_CONTAINER_ID for `runc exec`).
  virtual std::map<std::string, std::string> traffic_env() const { return {}; }
  // KEY=VALUE environment the target runs with (its locale is the manifest's target.lang).
  virtual std::vector<std::string> environment() const = 0;
  // The running process pare attached to (--pid, --container's init), for the manifest.
  virtual std::optional<pid_t> attached_pid() const { return std::nullopt; }
  std::optional<int> exit_status;
};

// `-- CMD ARGS`: started held until the probes are attached.
std::unique_ptr<RecordTarget> command_target(const std::vector<std::string>& argv);
// `--pid PID`: its mount namespace when it is a container, else its process tree.
std::unique_ptr<RecordTarget> pid_target(pid_t pid);
// `--container NAME|ID`: its init pid found through RUNTIME_CLI (podman,
// crictl, ctr; "" = the first installed, see container_lookup.h), then like
// --pid of that init: its mount namespace from now on, left running.
// PARE_CONTAINER_ID and PARE_RUNTIME (the CLI) are set for traffic commands.
std::unique_ptr<RecordTarget> container_target(const std::string& name, const std::string& runtime_cli);
// `--bundle DIR`: runc create, scope = the container's init (from its first
// exec on) and every process that execs in its mount namespace, runc start.
// The container's stdout/stderr go to APP_LOG (a file path) or pare's stderr.
// USER (USER[:GROUP], may be empty) replaces process.user in a scratch copy of
// the bundle; an unknown name throws Error(kExitUsage) before anything runs.
std::unique_ptr<RecordTarget> bundle_target(const std::string& bundle_dir, const std::string& runtime,
                                            const std::string& app_log, const std::string& user = "");

}  // namespace pare
