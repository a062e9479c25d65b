#include "record/recorder.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "aggregate/aggregator.h"
#include "common/output_file.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/name_encoding.h"
#include "common/version.h"
#include "decode/decoder.h"
#include "decode/event_json.h"
#include "manifest/trace_to_manifest.h"
#include "probe/probes.h"
#include "record/created_paths.h"
#include "seccomp/syscall_names.h"
#include "record/target_env.h"
#include "record/targets.h"
#include "resolve/root_fs.h"

namespace pare {

namespace {

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

using Clock = std::chrono::steady_clock;

// The whole tree stops, also processes that left the process group (setsid
// daemons): whatever is still in scope after the grace period gets SIG.
// Pare itself never is in scope.
void signal_scope(const Probes& probes, int sig) {
  for (uint32_t tgid : probes.traced_tgids())
    if (static_cast<pid_t>(tgid) != getpid()) kill(static_cast<pid_t>(tgid), sig);
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::unique_ptr<RecordTarget> make_target(const RecordOptions& o) {
  int n = !o.command.empty() + o.pid.has_value() + !o.bundle.empty();
  if (n != 1) throw Error(kExitUsage, "record needs exactly one target: -- CMD [ARGS...], --pid PID or --bundle DIR");
  if (!o.user.empty() && o.bundle.empty()) throw Error(kExitUsage, "--user needs --bundle DIR");
  if (o.pid) return pid_target(*o.pid);
  if (!o.bundle.empty()) return bundle_target(o.bundle, o.runtime, o.app_log, o.user);
  return command_target(o.command);
}

// Test traffic on its own thread: the main loop keeps draining the ring buffer.
class TrafficRun {
 public:
  TrafficRun(const TrafficPlan& plan, std::map<std::string, std::string> env) {
    if (plan.empty()) return;
    active_ = true;
    thread_ = std::thread([this, plan, env] {
      std::string err;
      if (plan.wait_exit) {
        while (alive_) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      } else {
        err = wait_until_ready(plan, [this] { return alive_.load(); });
      }
      if (err.empty()) err = run_traffic(plan, env, [this] { return cancel_.load(); });
      error_ = err;
      done_ = true;
    });
  }
  ~TrafficRun() {
    alive_ = false;  // an unwinding session must not wait out a readiness timeout
    cancel_ = true;
    join();
  }
  void set_alive(bool a) { alive_ = a; }
  void cancel() { cancel_ = true; }  // Ctrl-C: end a running traffic command now
  bool active() const { return active_; }
  bool done() const { return done_; }
  std::string join() {
    if (thread_.joinable()) thread_.join();
    return error_;
  }

 private:
  bool active_ = false;
  std::atomic<bool> alive_{true}, done_{false}, cancel_{false};
  std::string error_;
  std::thread thread_;
};

}  // namespace

std::string partial_name(const std::string& output) {
  auto dot = output.rfind('.');
  auto slash = output.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return output + ".partial";
  return output.substr(0, dot) + ".partial" + output.substr(dot);
}

RecordOutcome record_session(const RecordOptions& opts) {
  // A bad --no-rule/--rule or URL fails before anything runs, not after the recording.
  validate_closure_options(opts.closure_opts);
  validate_traffic_plan(opts.traffic);
  check_tracing_environment();
  std::unique_ptr<OutputFile> events_out;
  if (!opts.events_path.empty()) events_out = std::make_unique<OutputFile>(opts.events_path, "--events");
  std::unique_ptr<RecordTarget> target = make_target(opts);
  RootFs root(target->root());

  RecordOutcome out;
  Aggregator agg;
  uint64_t decode_errors = 0;
  Probes probes([&](const void* data, size_t size) {
    auto decoded = decode_event(data, size);
    if (auto* err = std::get_if<DecodeError>(&decoded)) {
      if (decode_errors++ < 5) spdlog::warn("bad record: {}", err->reason);
      agg.add_decode_error();
      return;
    }
    const Event& ev = std::get<Event>(decoded);
    agg.add(ev);
    if (!events_out) return;
    try {
      events_out->write(event_to_json(ev).dump() + "\n");
    } catch (const Error& e) {
      // A full disk under --events must not end the recording: the manifest is the point.
      out.events_error = e.what();
      events_out.reset();
    }
  });

  Manifest& m = out.manifest;
  m.tool_version = kVersion;
  m.schema_version = kManifestSchemaVersion;
  m.target.root = target->root();
  if (opts.pid) m.target.pid = *opts.pid;
  if (!opts.command.empty()) m.target.command = opts.command;
  m.target.lang = locale_from_env(target->environment());  // the target's, not pare's
  m.started_at = utc_now();
  throw_if_interrupted();  // Ctrl-C before the target started: nothing to keep
  struct timespec since = coarse_now();  // inodes born after this were made by the run
  target->start(probes);

  std::map<std::string, std::string> traffic_env = target->traffic_env();
  if (!opts.app_log.empty()) traffic_env["PARE_APP_LOG"] = opts.app_log;
  TrafficRun traffic(opts.traffic, traffic_env);

  auto start = Clock::now();
  std::optional<Clock::time_point> stop_requested;
  bool killed = false;
  while (true) {
    probes.poll(100);
    bool alive = target->running();
    traffic.set_alive(alive);
    if (probes.scope_empty()) break;  // every process in scope has exited
    // --pid: the process we attached to is gone (an entry for a pid that died
    // between the /proc scan and its insert would otherwise keep us waiting).
    if (!target->stoppable() && !alive) break;
    bool want_stop = interrupt_signal() || (opts.duration_s && seconds_since(start) >= *opts.duration_s) ||
                     (traffic.active() && traffic.done());
    if (!stop_requested && want_stop) {
      stop_requested = Clock::now();
      if (interrupt_signal()) {
        out.interrupted = interrupt_signal();
        traffic.cancel();
      }
      if (!target->stoppable()) break;  // --pid: detach and leave it running
      spdlog::info("stopping the target (SIGTERM) to record its shutdown");
      target->stop(false);
    }
    if (stop_requested && !killed && seconds_since(*stop_requested) >= opts.traffic.stop_timeout_s) {
      spdlog::warn("target still running {}s after SIGTERM: sending SIGKILL", opts.traffic.stop_timeout_s);
      target->stop(true);
      signal_scope(probes, SIGKILL);
      killed = true;
    }
    if (killed && seconds_since(*stop_requested) >= opts.traffic.stop_timeout_s + 2) break;
  }
  traffic.set_alive(false);
  out.traffic_error = traffic.join();
  probes.drain();
  target->finish();
  // The signal that ended the recording is consumed: a second one aborts the closure.
  if (interrupt_signal()) out.interrupted = interrupt_signal();
  clear_interrupt();
  m.ended_at = utc_now();
  m.target.exit_status = target->exit_status;

  TraceTotals totals;
  totals.drops = probes.drops();
  m.syscalls.emplace();
  for (uint32_t nr : probes.syscalls())
    m.syscalls->insert(syscall_name(static_cast<int>(nr)).value_or("syscall_" + std::to_string(nr)));
  fill_manifest_from_trace(m, agg.observations(), totals, root);
  std::unique_ptr<RootFs> pristine;
  if (!opts.pristine_root.empty()) pristine = std::make_unique<RootFs>(opts.pristine_root);
  CreationOracle oracle(root, since, pristine.get());
  if (opts.closure) {
    try {
      stall_point("record-closure");
      throw_if_interrupted();
      ClosureOptions closure = opts.closure_opts;
      closure.created = [&oracle](const std::string& p) { return oracle.created(p); };
      apply_closure(m, root, closure);
    } catch (const Interrupted& e) {
      // Keep what was traced: every entry added so far is valid, but the closure is not whole.
      out.interrupted = e.signal();
      clear_interrupt();  // consumed: the partial manifest must still be written
      m.complete = false;
      m.incomplete_reasons.push_back("interrupted during the closure: ELF dependencies, rule packs and parent "
                                     "directories may be missing (run pare manifest --rootfs to complete it)");
    }
  }
  try {
    size_t created = mark_created(m, oracle);
    if (created) spdlog::info("{} paths were created by the run: kept in the manifest, never copied", created);
  } catch (const Interrupted& e) {
    out.interrupted = e.signal();
    clear_interrupt();
  }
  if (out.interrupted) {
    m.complete = false;
    m.incomplete_reasons.push_back(std::string("the recording was interrupted by ") +
                                   (out.interrupted == SIGINT ? "SIGINT" : "SIGTERM"));
  }
  if (!m.complete && !out.interrupted)  // an interrupted run says so in its one error line
    for (auto& r : m.incomplete_reasons) spdlog::warn("manifest incomplete: {}", r);
  spdlog::info("{} records, {} paths, {} missing, {} processes", agg.observations().records, m.paths.size(),
               m.missing.size(), m.processes.size());
  if (events_out) {
    try {
      events_out->commit();
    } catch (const Error& e) {
      out.events_error = e.what();
    }
  }
  return out;
}

std::vector<OutputPlan> plan_record_outputs(const RecordOptions& opts) {
  std::vector<OutputPlan> plans = {plan_output(opts.output, "-o")};
  if (plans[0].kind == OutputKind::kFile) {
    // Where a failed or interrupted run keeps its manifest must be writable too.
    plan_output(partial_name(opts.output), "-o (partial manifest)");
  }
  if (!opts.events_path.empty()) plans.push_back(plan_output(opts.events_path, "--events"));
  if (!opts.app_log.empty()) plans.push_back(plan_output(opts.app_log, "--app-log"));
  check_outputs(plans, {});
  return plans;
}

int run_record(const RecordOptions& opts) {
  // Every output is checked before anything runs; the manifest appears only when whole.
  OutputPlan plan = plan_record_outputs(opts)[0];
  auto manifest_out = std::make_unique<OutputFile>(plan);
  RecordOutcome r = record_session(opts);
  std::string text = manifest_to_string(r.manifest);
  if (r.interrupted || !r.traffic_error.empty()) {
    // The recording is kept, but not where a good one is expected (a stream gets it as it is).
    std::string where = "stdout";
    if (plan.kind == OutputKind::kFile) {
      manifest_out.reset();
      where = partial_name(opts.output);
      write_output(where, text, "-o (partial manifest)");
    } else {
      if (plan.kind == OutputKind::kStream) where = plan.given;
      manifest_out->write(text);
      manifest_out->commit();
    }
    std::string kept = "; partial manifest: " + printable_name(where);
    if (r.interrupted) throw Error(static_cast<ExitCode>(kExitInterruptedBase + r.interrupted),
                                   Interrupted(r.interrupted).what() + std::string(" while recording") + kept);
    throw Error(kExitTraffic, r.traffic_error + kept);
  }
  manifest_out->write(text);
  manifest_out->commit();
  if (!r.events_error.empty()) throw Error(kExitFailure, r.events_error + " (the manifest was written)");
  return kExitOk;
}

}  // namespace pare
