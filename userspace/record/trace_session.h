// One traced run of a target, shared by `record`, `slim` and `audit`: attach
// the probes, start or join the target, drive the test traffic on its own
// thread, poll records into the caller's handler until the target ends
// (or --duration, Ctrl-C, the traffic is done, or the caller asks to stop),
// then stop the whole scope. What the records mean is the caller's business:
// record folds them into a manifest, audit checks each one and forgets it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "probe/probes.h"
#include "record/targets.h"
#include "traffic/traffic_plan.h"

namespace pare {

struct RecordOptions;

struct SessionEnd {
  std::optional<int> exit_status;  // the target's, when pare started it and saw it end
  std::string traffic_error;       // empty when the traffic (if any) passed
  int interrupted = 0;             // SIGINT/SIGTERM that ended the run (consumed: the caller goes on)
};

class TraceSession {
 public:
  // Validates the target options and the traffic plan, checks the machine,
  // creates the target (not started yet) and loads the probes.
  TraceSession(const RecordOptions& opts, Probes::RecordHandler on_record);
  ~TraceSession();

  RecordTarget& target() { return *target_; }
  Probes& probes() { return *probes_; }

  // Starts the target and runs until it ends. TICK runs after every poll
  // (about 10 times a second); when it returns true the run stops as if
  // --duration had passed.
  SessionEnd run(const std::function<bool()>& tick = {});

  // Detaches and frees the probes once run() returned and their counters were
  // read: the ring buffer alone is 32 MiB of mappings (its pages are mapped
  // twice), which the manifest's making should not have to sit beside.
  void close_probes() { probes_.reset(); }

 private:
  const RecordOptions& opts_;
  std::unique_ptr<RecordTarget> target_;
  std::unique_ptr<Probes> probes_;
};

}  // namespace pare
