#include "audit/audit_command.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "audit/auditor.h"
#include "audit/finding_json.h"
#include "common/error.h"
#include "common/name_encoding.h"
#include "common/output_file.h"
#include "decode/decoder.h"
#include "record/trace_session.h"
#include "seccomp/syscall_names.h"

namespace pare {

namespace {

using Clock = std::chrono::steady_clock;

uint64_t total(const std::map<std::string, uint64_t>& counts) {
  uint64_t n = 0;
  for (auto& [k, v] : counts) n += v;
  return n;
}

nlohmann::json scope_of(const AuditCommandOptions& o, RecordTarget& target) {
  nlohmann::json scope = {{"root", encode_name(target.root())}};
  if (!o.run.bundle.empty()) {
    scope["target"] = "bundle";
    auto env = target.traffic_env();
    if (auto it = env.find("PARE_CONTAINER_ID"); it != env.end()) scope["container"] = it->second;
  } else if (!o.run.container.empty()) {
    scope["target"] = "container";
    scope["container"] = o.run.container;
    if (auto pid = target.attached_pid()) scope["pid"] = *pid;
  } else if (o.run.pid) {
    scope["target"] = "pid";
    scope["pid"] = *o.run.pid;
  } else {
    scope["target"] = "command";
  }
  return scope;
}

// The summary is the user's answer, not a log line: it is printed at any verbosity.
void print_summary(const Auditor& a, const std::map<std::string, uint64_t>& drops, double seconds,
                   const Allowlist& allow) {
  const AuditStats& s = a.stats();
  uint64_t n = total(s.findings_by_kind);
  std::string by_kind;
  for (auto& [kind, count] : s.findings_by_kind) by_kind += (by_kind.empty() ? "" : ", ") + std::to_string(count) + " " + kind;
  std::fprintf(stderr, "pare audit: %llu finding%s%s from %llu records in %.1f s\n", static_cast<unsigned long long>(n),
               n == 1 ? "" : "s", n ? (" (" + by_kind + ")").c_str() : "", static_cast<unsigned long long>(s.records),
               seconds);
  for (auto& [kind, what, hits] : a.top(10))
    std::fprintf(stderr, "  %-8s %s (%llu hit%s)\n", kind.c_str(), printable_name(what).c_str(),
                 static_cast<unsigned long long>(hits), hits == 1 ? "" : "s");
  uint64_t dropped = total(drops);
  if (dropped) {
    std::string which;
    for (auto& [type, count] : drops)
      if (count) which += (which.empty() ? "" : ", ") + std::to_string(count) + " " + type;
    std::fprintf(stderr, "pare audit: INCOMPLETE: %llu records dropped (%s): findings may be missing\n",
                 static_cast<unsigned long long>(dropped), which.c_str());
  }
  if (s.decode_errors)
    std::fprintf(stderr, "pare audit: INCOMPLETE: %llu records failed to decode: findings may be missing\n",
                 static_cast<unsigned long long>(s.decode_errors));
  if (s.unplaceable)
    std::fprintf(stderr, "pare audit: INCOMPLETE: %llu records with a path cut short or unplaceable were not checked\n",
                 static_cast<unsigned long long>(s.unplaceable));
  for (auto& b : s.blind_spots) std::fprintf(stderr, "pare audit: INCOMPLETE: %s\n", b.c_str());
  if (s.untracked)
    std::fprintf(stderr, "pare audit: more distinct findings than the %zu remembered: %llu later ones may repeat\n",
                 a.tracked(), static_cast<unsigned long long>(s.untracked));
  if (!allow.has_syscalls())
    std::fprintf(stderr, "pare audit: the manifest has no syscall set (recorded by an older pare): syscalls not audited\n");
  if (!dropped && !s.decode_errors && !s.unplaceable && s.blind_spots.empty())
    std::fprintf(stderr, "pare audit: complete: every record was checked\n");
}

}  // namespace

int run_audit(const AuditCommandOptions& opts) {
  // Every output and the manifest are checked before anything runs.
  std::vector<OutputPlan> plans = {plan_output(opts.output, "-o")};
  if (!opts.run.app_log.empty()) plans.push_back(plan_output(opts.run.app_log, "--app-log"));
  check_outputs(plans, {opts.manifest_path});
  Manifest manifest = read_manifest_file(opts.manifest_path);
  OutputFile out(plans[0]);
  bool stream = plans[0].kind != OutputKind::kFile;

  std::unique_ptr<Auditor> auditor;
  nlohmann::json scope;
  std::vector<Finding> found;
  uint64_t written = 0;
  bool stop = false;
  auto emit = [&] {
    for (auto& f : found) {
      if (stop) break;  // --fail-fast: the first finding ends the audit
      out.write(finding_to_json(f, scope).dump() + "\n");
      ++written;
      if (opts.fail_fast) stop = true;
    }
    if (!found.empty() && stream) std::fflush(out.stream());  // a watcher sees each finding at once
    found.clear();
  };
  RecordOptions run = opts.run;
  run.every_hit = opts.all;  // without it the kernel reports each access once
  TraceSession session(run, [&](const void* data, size_t size) {
    auto decoded = decode_event(data, size);
    if (std::holds_alternative<DecodeError>(decoded)) {
      auditor->add_decode_error();
      return;
    }
    auditor->add(std::get<Event>(decoded), found);
    emit();
  });
  RootFs root(session.target().root());
  auditor = std::make_unique<Auditor>(manifest, root, AuditOptions{opts.all}, proc_process_info);
  scope = scope_of(opts, session.target());

  auto start = Clock::now();
  auto last_check = start;
  uint64_t dropped_seen = 0;
  // Once a second: the syscall bitmap (no per-syscall records) and the drop counters.
  auto check = [&](bool now_anyway) -> bool {
    auto now = Clock::now();
    if (now_anyway || now - last_check >= std::chrono::seconds(1)) {
      last_check = now;
      std::set<std::string> names;
      for (uint32_t nr : session.probes().syscalls())
        names.insert(syscall_name(static_cast<int>(nr)).value_or("syscall_" + std::to_string(nr)));
      auditor->add_syscalls(names, found);
      emit();
      uint64_t dropped = total(session.probes().drops());
      if (dropped > dropped_seen) {
        spdlog::warn("{} records dropped so far: findings may be missing", dropped);
        dropped_seen = dropped;
      }
    }
    return stop;
  };
  SessionEnd end = session.run([&] { return check(false); });
  check(true);  // the last syscalls, made after the last tick
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  print_summary(*auditor, session.probes().drops(), seconds, auditor->allowlist());
  out.commit();
  if (!end.traffic_error.empty()) throw Error(kExitTraffic, end.traffic_error + " (findings so far were written)");
  return written ? kExitFailure : kExitOk;
}

}  // namespace pare
