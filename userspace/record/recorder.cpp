#include "record/recorder.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <memory>

#include <spdlog/spdlog.h>

#include "aggregate/aggregator.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "common/version.h"
#include "decode/decoder.h"
#include "decode/event_json.h"
#include "manifest/trace_to_manifest.h"
#include "probe/probes.h"
#include "record/held_child.h"
#include "record/proc_tree.h"
#include "resolve/root_fs.h"

namespace pare {

namespace {

volatile sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) { g_stop_signal = sig; }

void install_stop_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

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

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

int run_record(const RecordOptions& opts) {
  if (opts.command.empty() == !opts.pid.has_value())
    throw Error(kExitUsage, "record needs exactly one target: -- CMD [ARGS...] or --pid PID");
  // A bad --no-rule fails before anything runs, not after the recording.
  validate_rule_names(opts.closure_opts.disabled_rules);
  check_tracing_environment();
  if (opts.pid && !process_exists(*opts.pid))
    throw Error(kExitTarget, "no process with pid " + std::to_string(*opts.pid));

  // Outputs are opened first (a bad -o fails before anything runs) and only
  // renamed into place once the recording is whole.
  std::unique_ptr<AtomicFile> manifest_out;
  if (!opts.output.empty() && opts.output != "-") manifest_out = std::make_unique<AtomicFile>(opts.output);
  std::unique_ptr<AtomicFile> events_out;
  if (!opts.events_path.empty()) events_out = std::make_unique<AtomicFile>(opts.events_path);

  std::string root_path = opts.pid ? "/proc/" + std::to_string(*opts.pid) + "/root" : "/";
  RootFs root(root_path);

  std::unique_ptr<HeldChild> child;
  if (!opts.command.empty()) {
    // Orphans of the traced tree are reparented to us, so we can reap them.
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    child = std::make_unique<HeldChild>(opts.command);
  }

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
    if (events_out) events_out->write(event_to_json(ev).dump() + "\n");
  });

  Manifest m;
  m.tool_version = kVersion;
  m.schema_version = kManifestSchemaVersion;
  m.target.root = root_path;
  m.started_at = utc_now();
  install_stop_handlers();

  if (child) {
    m.target.command = opts.command;
    for (const char* var : {"LC_ALL", "LANG"})
      if (const char* v = std::getenv(var); v && *v) {
        m.target.lang = v;
        break;
      }
    probes.trace_tgid(static_cast<uint32_t>(child->pid()));
    child->release();
    spdlog::info("started {} as pid {}", opts.command[0], child->pid());
  } else {
    m.target.pid = *opts.pid;
    // A process in another mount namespace is a container: its whole mount
    // namespace is the scope (later `exec`s into it included). One in ours is
    // an ordinary process: its tree is the scope.
    uint32_t ns = mount_namespace_of(*opts.pid);
    bool container = ns != 0 && ns != mount_namespace_of(getpid());
    if (container) probes.trace_mount_namespace(ns);
    // Children forked during the scan are caught by the fork probe once their
    // parent is in scope; scanning twice closes the window between the two.
    for (int pass = 0; pass < 2; ++pass) {
      for (pid_t p : process_tree(*opts.pid)) probes.trace_tgid(static_cast<uint32_t>(p));
      if (container)
        for (pid_t p : processes_in_mount_namespace(ns)) probes.trace_tgid(static_cast<uint32_t>(p));
    }
    spdlog::info("attached to pid {} and its {}", *opts.pid, container ? "mount namespace" : "descendants");
  }

  auto start = Clock::now();
  std::optional<Clock::time_point> stop_requested;
  bool killed = false;
  while (true) {
    probes.poll(100);
    if (child) {
      int status;
      pid_t p;
      while ((p = waitpid(-1, &status, WNOHANG)) > 0)
        if (p == child->pid()) m.target.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (probes.scope_empty()) break;
    if (!stop_requested && (g_stop_signal || (opts.duration_s && seconds_since(start) >= *opts.duration_s))) {
      stop_requested = Clock::now();
      if (!child) break;  // --pid: detach and leave the process running
      spdlog::info("stopping the target (SIGTERM) to record its shutdown");
      kill(child->pid(), SIGTERM);
    }
    if (stop_requested && child && !killed && seconds_since(*stop_requested) >= opts.grace_s) {
      spdlog::warn("target still running {}s after SIGTERM: sending SIGKILL", opts.grace_s);
      kill(child->pid(), SIGKILL);
      killed = true;
    }
    if (killed && seconds_since(*stop_requested) >= opts.grace_s + 2) break;
  }
  probes.drain();
  m.ended_at = utc_now();
  if (child) {
    // The tree has left the scope map; collect the target's status (it may be
    // a zombie only now) and any reparented orphans.
    int status;
    pid_t p;
    while ((p = waitpid(-1, &status, m.target.exit_status ? WNOHANG : 0)) > 0)
      if (p == child->pid()) m.target.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  TraceTotals totals;
  totals.drops = probes.drops();
  fill_manifest_from_trace(m, agg.observations(), totals, root);
  if (opts.closure) apply_closure(m, root, opts.closure_opts);
  if (!m.complete)
    for (auto& r : m.incomplete_reasons) spdlog::warn("manifest incomplete: {}", r);
  spdlog::info("{} records, {} paths, {} missing, {} processes", agg.observations().records, m.paths.size(),
               m.missing.size(), m.processes.size());

  std::string text = manifest_to_string(m);
  if (events_out) events_out->commit();
  if (manifest_out) {
    manifest_out->write(text);
    manifest_out->commit();
  } else {
    write_output("", text);
  }
  return kExitOk;
}

}  // namespace pare
