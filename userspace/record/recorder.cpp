#include "record/recorder.h"

#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "aggregate/aggregator.h"
#include "common/output_file.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/memory_usage.h"
#include "common/name_encoding.h"
#include "common/timestamps.h"
#include "common/version.h"
#include "decode/decoder.h"
#include "decode/event_json.h"
#include "manifest/trace_to_manifest.h"
#include "probe/probes.h"
#include "record/created_paths.h"
#include "record/record_backlog.h"
#include "seccomp/syscall_names.h"
#include "record/target_env.h"
#include "record/targets.h"
#include "record/trace_session.h"
#include "resolve/root_fs.h"

namespace pare {

namespace {
// The most a recording keeps undecoded (record_backlog.h): a tar of
// /usr/share, ~66k paths, keeps about 22 MiB.
constexpr size_t kRecordBacklogBytes = 32u << 20;
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
  std::unique_ptr<OutputFile> events_out;
  if (!opts.events_path.empty()) events_out = std::make_unique<OutputFile>(opts.events_path, "--events");
  RecordOutcome out;
  Aggregator agg;
  uint64_t decode_errors = 0;
  auto aggregate = [&](const void* data, size_t size) {
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
  };
  // Decoded once the workload has ended, not while it runs (see record_backlog.h);
  // --events streams each record as it comes, for whoever follows the file.
  RecordBacklog backlog(aggregate, events_out ? 0 : kRecordBacklogBytes);
  TraceSession session(opts, [&](const void* data, size_t size) { backlog.add(data, size); });
  RecordTarget* target = &session.target();
  RootFs root(target->root());

  Manifest& m = out.manifest;
  m.tool_version = kVersion;
  m.schema_version = kManifestSchemaVersion;
  m.target.root = target->root();
  if (auto pid = target->attached_pid()) m.target.pid = *pid;
  if (!opts.command.empty()) m.target.command = opts.command;
  m.target.lang = locale_from_env(target->environment());  // the target's, not pare's
  m.started_at = utc_now();
  struct timespec since = coarse_now_then_next_tick();  // inodes born after this were made by the run
  SessionEnd end = session.run();
  spdlog::debug("run ended: {} MiB of records kept to decode now{}", backlog.kept_bytes() >> 20,
                backlog.passed_budget() ? " (past the budget: the rest decoded while the run went on)" : "");
  backlog.replay();
  out.interrupted = end.interrupted;
  out.traffic_error = end.traffic_error;
  m.ended_at = utc_now();
  m.target.exit_status = end.exit_status;

  spdlog::debug("recording done: {} records; {}", agg.observations().records, memory_usage());
  TraceTotals totals;
  totals.drops = session.probes().drops();
  m.syscalls.emplace();
  for (uint32_t nr : session.probes().syscalls())
    m.syscalls->insert(syscall_name(static_cast<int>(nr)).value_or("syscall_" + std::to_string(nr)));
  uint64_t records = agg.observations().records;
  session.close_probes();
  // From here on the tree is looked at, no longer watched, for the few seconds
  // the manifest takes: directories stay open between lookups (an app still
  // running under --pid that renames a directory meanwhile races us either way).
  RootFs::StableTree stable(root);
  // Consumed while the manifest grows: a big recording never holds both whole.
  fill_manifest_from_trace(m, agg.take(), totals, root);
  malloc_trim(0);  // what the observations held goes back to the system, not only to malloc
  spdlog::debug("manifest from the trace: {} paths; {}", m.paths.size(), memory_usage());
  std::unique_ptr<RootFs> pristine;
  if (!opts.pristine_root.empty()) pristine = std::make_unique<RootFs>(opts.pristine_root);
  std::optional<RootFs::StableTree> pristine_stable;
  if (pristine) pristine_stable.emplace(*pristine);
  CreationOracle oracle(root, since, pristine.get());
  if (opts.closure) {
    try {
      stall_point("record-closure");
      throw_if_interrupted();
      ClosureOptions closure = opts.closure_opts;
      closure.created = [&oracle](const std::string& p) { return oracle.created(p); };
      apply_closure(m, root, closure);
      spdlog::debug("closure: {} paths; {}", m.paths.size(), memory_usage());
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
  spdlog::info("{} records, {} paths, {} missing, {} processes", records, m.paths.size(),
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
  // Streamed: a manifest of 10^5 paths is tens of MB of text, never held whole.
  auto write_manifest_to = [&r](OutputFile& out) {
    write_manifest_text(r.manifest, [&out](const std::string& text) { out.write(text); });
    out.commit();
  };
  if (r.interrupted || !r.traffic_error.empty()) {
    // The recording is kept, but not where a good one is expected (a stream gets it as it is).
    std::string where = "stdout";
    if (plan.kind == OutputKind::kFile) {
      manifest_out.reset();
      where = partial_name(opts.output);
      OutputFile partial(where, "-o (partial manifest)");
      write_manifest_to(partial);
    } else {
      if (plan.kind == OutputKind::kStream) where = plan.given;
      write_manifest_to(*manifest_out);
    }
    std::string kept = "; partial manifest: " + printable_name(where);
    if (r.interrupted) throw Error(static_cast<ExitCode>(kExitInterruptedBase + r.interrupted),
                                   Interrupted(r.interrupted).what() + std::string(" while recording") + kept);
    throw Error(kExitTraffic, r.traffic_error + kept);
  }
  write_manifest_to(*manifest_out);
  spdlog::debug("manifest written; {}", memory_usage());
  if (!r.events_error.empty()) throw Error(kExitFailure, r.events_error + " (the manifest was written)");
  return kExitOk;
}

}  // namespace pare
