// `pare record`: attach probes, run or join the target, collect until the
// tree exits (or --duration, or Ctrl-C), then write the manifest.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "closure/closure.h"

namespace pare {

struct RecordOptions {
  std::vector<std::string> command;  // `-- CMD ARGS...`
  std::optional<pid_t> pid;          // `--pid PID`
  std::string output;                // manifest path; stdout when empty
  std::string events_path;           // JSONL of every decoded record; none when empty
  std::optional<double> duration_s;  // stop after this long
  double grace_s = 5.0;              // after a stop request: SIGTERM, wait this long, SIGKILL
  bool closure = true;               // apply the closure against the target's root
  ClosureOptions closure_opts;
};

// Returns the process exit code (see README "Exit codes"); throws Error on failure.
int run_record(const RecordOptions& opts);

}  // namespace pare
