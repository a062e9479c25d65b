// The OCI runtime (runc) driven through its CLI: create, start, state, kill,
// delete. `create` then `start` is what lets pare put the container's init in
// scope after the runtime's own setup and before the app's first exec.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace pare {

class Runc {
 public:
  // RUNTIME: a path, or empty for `runc` from PATH. Throws
  // Error(kExitEnvironment) when it cannot be found.
  explicit Runc(const std::string& runtime = "");

  // Creates container ID from BUNDLE with the container's stdout/stderr going
  // to OUTPUT_FD (stdin: /dev/null). Returns the container init's pid.
  pid_t create(const std::string& id, const std::string& bundle, int output_fd);
  void start(const std::string& id);
  void kill(const std::string& id, const std::string& signal);  // best effort
  void remove(const std::string& id);                          // delete --force, best effort
  const std::string& path() const { return path_; }

 private:
  // Runs the runtime with ARGS; returns its exit code, stderr in *err.
  int run(const std::vector<std::string>& args, std::string* err, int stdout_fd = -1);
  std::string path_;
};

}  // namespace pare
