// Helper programs pare drives through their command line (podman, skopeo,
// ctr, crictl): run one to the end with stdin from /dev/null, keep its stdout
// (bounded) and the last line of its stderr for a one-line error. Ctrl-C or
// SIGTERM to pare stops the helper too (SIGTERM, then SIGKILL after 5 s) and
// throws Interrupted once it is gone, so whatever it was writing into a
// scratch directory is removed by that directory's owner.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pare {

struct ToolRun {
  int exit_code = -1;     // 128 + N when killed by signal N
  std::string out;        // stdout, at most MAX_OUT bytes
  std::string err_line;   // the last non-empty line of stderr: where tools say why
};

// Runs ARGV (argv[0] a path) with pare's environment. Throws Error(kExitFailure)
// when it cannot be started, Interrupted when pare was asked to stop.
ToolRun run_tool(const std::vector<std::string>& argv, size_t max_out = 1 << 20);

// NAME's path through PATH, or "" when it is not installed.
std::string find_tool(const std::string& name);

}  // namespace pare
