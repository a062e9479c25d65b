// `pare record`: attach probes, start or join the target, drive test traffic,
// collect until the target ends (or --duration, Ctrl-C, the traffic is done),
// then resolve everything into a manifest.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "closure/closure.h"
#include "manifest/manifest.h"
#include "traffic/traffic_plan.h"

namespace pare {

struct RecordOptions {
  std::vector<std::string> command;  // `-- CMD ARGS...`
  std::optional<pid_t> pid;          // `--pid PID`
  std::string bundle;                // `--bundle DIR`
  std::string container;             // `--container NAME|ID`: a running container
  std::string runtime_cli;           // `--runtime-cli podman|crictl|ctr` for --container; "" = the first installed
  std::string runtime;               // `--runtime PATH` (runc)
  std::string user;                  // `--user USER[:GROUP]` for --bundle: replaces process.user
  std::string app_log;               // container stdout/stderr; pare's stderr when empty
  std::string output;                // manifest path; stdout when empty
  std::string events_path;           // JSONL of every decoded record; none when empty
  std::optional<double> duration_s;  // stop after this long
  bool closure = true;               // apply the closure against the target's root
  ClosureOptions closure_opts;
  TrafficPlan traffic;               // also holds the stop timeout (SIGTERM, wait, SIGKILL)
  bool every_hit = false;             // audit --all: the kernel reports every repeated access
  std::string pristine_root;         // slim: the source the app's root is an overlay of (what existed before)
};

struct RecordOutcome {
  Manifest manifest;
  std::string traffic_error;  // empty when the traffic (if any) passed
  std::string events_error;   // --events could not be written (the recording went on)
  int interrupted = 0;        // SIGINT/SIGTERM that cut the recording (or its closure) short
};

// The recording itself, for `record` and `slim`. EVENTS_PATH is written here;
// the manifest is returned. Throws Error on failure to record.
RecordOutcome record_session(const RecordOptions& opts);

// `pare record`: writes the manifest (a failed traffic run keeps it as
// OUT.partial.json and exits kExitTraffic).
int run_record(const RecordOptions& opts);

// Validates -o (and where its partial manifest would go), --events and
// --app-log before anything runs. Throws Error(kExitUsage).
struct OutputPlan;
std::vector<OutputPlan> plan_record_outputs(const RecordOptions& opts);

// "app.json" -> "app.partial.json"
std::string partial_name(const std::string& output);

}  // namespace pare
