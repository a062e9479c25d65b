#include "record/trace_session.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/interrupt.h"
#include "record/recorder.h"

namespace pare {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The whole tree stops, also processes that left the process group (setsid
// daemons): whatever is still in scope after the grace period gets SIG.
// Pare itself never is in scope.
void signal_scope(const Probes& probes, int sig) {
  for (uint32_t tgid : probes.traced_tgids())
    if (static_cast<pid_t>(tgid) != getpid()) kill(static_cast<pid_t>(tgid), sig);
}

std::unique_ptr<RecordTarget> make_target(const RecordOptions& o) {
  int n = !o.command.empty() + o.pid.has_value() + !o.bundle.empty() + !o.container.empty();
  if (n != 1)
    throw Error(kExitUsage, "needs exactly one target: -- CMD [ARGS...], --pid PID, --container NAME or --bundle DIR");
  if (!o.user.empty() && o.bundle.empty()) throw Error(kExitUsage, "--user needs --bundle DIR");
  if (!o.runtime_cli.empty() && o.container.empty()) throw Error(kExitUsage, "--runtime-cli needs --container NAME");
  if (o.pid) return pid_target(*o.pid);
  if (!o.container.empty()) return container_target(o.container, o.runtime_cli);
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

TraceSession::TraceSession(const RecordOptions& opts, Probes::RecordHandler on_record) : opts_(opts) {
  validate_traffic_plan(opts.traffic);
  check_tracing_environment();
  target_ = make_target(opts);
  probes_ = std::make_unique<Probes>(std::move(on_record), opts.every_hit);
}

TraceSession::~TraceSession() = default;

SessionEnd TraceSession::run(const std::function<bool()>& tick) {
  SessionEnd end;
  throw_if_interrupted();  // Ctrl-C before the target started: nothing to keep
  target_->start(*probes_);

  std::map<std::string, std::string> traffic_env = target_->traffic_env();
  if (!opts_.app_log.empty()) traffic_env["PARE_APP_LOG"] = opts_.app_log;
  TrafficRun traffic(opts_.traffic, traffic_env);

  auto start = Clock::now();
  std::optional<Clock::time_point> stop_requested;
  bool killed = false;
  bool caller_stop = false;
  auto last_checks = Clock::now();
  while (true) {
    int handled = probes_->poll(100);
    // Under a stream of records poll returns at once, again and again: the
    // checks below (a scan of the kernel's scope map among them) run at most
    // every 50 ms, not once per batch.
    if (handled > 0 && Clock::now() - last_checks < std::chrono::milliseconds(50)) continue;
    last_checks = Clock::now();
    if (tick && !caller_stop) caller_stop = tick();
    bool alive = target_->running();
    traffic.set_alive(alive);
    if (probes_->scope_empty()) break;  // every process in scope has exited
    // --pid: the process we attached to is gone (an entry for a pid that died
    // between the /proc scan and its insert would otherwise keep us waiting).
    if (!target_->stoppable() && !alive) break;
    bool want_stop = interrupt_signal() || caller_stop ||
                     (opts_.duration_s && seconds_since(start) >= *opts_.duration_s) ||
                     (traffic.active() && traffic.done());
    if (!stop_requested && want_stop) {
      stop_requested = Clock::now();
      if (interrupt_signal()) end.interrupted = interrupt_signal();
      if (interrupt_signal() || caller_stop) traffic.cancel();
      if (!target_->stoppable()) break;  // --pid: detach and leave it running
      spdlog::info("stopping the target (SIGTERM) to record its shutdown");
      target_->stop(false);
    }
    if (stop_requested && !killed && seconds_since(*stop_requested) >= opts_.traffic.stop_timeout_s) {
      spdlog::warn("target still running {}s after SIGTERM: sending SIGKILL", opts_.traffic.stop_timeout_s);
      target_->stop(true);
      signal_scope(*probes_, SIGKILL);
      killed = true;
    }
    if (killed && seconds_since(*stop_requested) >= opts_.traffic.stop_timeout_s + 2) break;
  }
  traffic.set_alive(false);
  end.traffic_error = traffic.join();
  probes_->drain();
  if (tick) tick();  // the records drained last are checked too
  target_->finish();
  // The signal that ended the run is consumed: a second one aborts what follows.
  if (interrupt_signal()) end.interrupted = interrupt_signal();
  clear_interrupt();
  end.exit_status = target_->exit_status;
  return end;
}

}  // namespace pare
