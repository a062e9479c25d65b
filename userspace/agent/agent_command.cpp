#include "agent/agent_command.h"

#include <unistd.h>

#include <chrono>
#include <memory>
#include <vector>

#include <spdlog/spdlog.h>

#include "agent/container_engine.h"
#include "agent/container_scopes.h"
#include "agent/manifest_store.h"
#include "agent/runtime_events.h"
#include "agent/scope_manifest.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/timestamps.h"
#include "decode/decoder.h"
#include "probe/probes.h"
#include "record/proc_tree.h"

namespace pare {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string short_id(const std::string& id) { return id.substr(0, 12); }

std::string label(const ContainerScope& s) {
  if (!s.container) return "namespace " + std::to_string(s.mntns);
  return s.container->name + " (" + short_id(s.container->id) + ")";
}

class Agent {
 public:
  explicit Agent(const AgentOptions& o)
      : o_(o), store_(o.out_dir), engine_(o.runtime_cli), host_(host_namespaces()), scopes_({host_.begin(), host_.end()}) {
    check_tracing_environment();
    probes_ = std::make_unique<Probes>(
        [this](const void* data, size_t size) {
          auto decoded = decode_event(data, size);
          if (auto* err = std::get_if<DecodeError>(&decoded)) {
            if (decode_errors_++ < 5) spdlog::warn("bad record: {}", err->reason);
            return;
          }
          scopes_.route(std::get<Event>(decoded));
        },
        false, host_);
  }

  int run() {
    spdlog::info("pare agent: recording every container {} starts; manifests in {}", engine_.cli(), store_.dir());
    adopt_running();
    if (engine_.has_event_stream()) events_ = std::make_unique<EventStream>(engine_.path());
    auto start = Clock::now(), last_tick = Clock::now(), last_flush = Clock::now();
    while (!stop_signal_ && !interrupt_signal() && !(o_.duration_s && seconds_since(start) >= *o_.duration_s)) {
      try {
        probes_->poll(100);
        name_fresh_scopes();
        if (events_)
          for (const EngineEvent& e : events_->take()) on_event(e);
        settle_starts();
        if (Clock::now() - last_tick >= std::chrono::milliseconds(200)) {
          last_tick = Clock::now();
          end_scopes();
        }
        if (seconds_since(last_flush) >= o_.flush_interval_s) {
          last_flush = Clock::now();
          for (auto& [ns, s] : scopes_.all())
            if (s->claimed() && s->agg.observations().records > s->records_at_flush) flush(*s);
        }
      } catch (const Interrupted&) {
        break;  // a CLI call cut short by the signal: stop like at the loop's head
      }
    }
    stop();
    return failures_ ? kExitFailure : kExitOk;
  }

 private:
  static std::vector<uint32_t> host_namespaces() {
    // The host's (pid 1's: the DaemonSet runs with hostPID) and pare's own
    // (in a DaemonSet, the agent's container): never a container to record.
    std::vector<uint32_t> ns;
    for (pid_t p : {1, getpid()})
      if (uint32_t n = mount_namespace_of(p); n && (ns.empty() || ns[0] != n)) ns.push_back(n);
    if (ns.empty()) throw Error(kExitEnvironment, "cannot read /proc/1/ns/mnt: pare agent needs the host's /proc");
    return ns;
  }

  bool is_host(uint32_t ns) const {
    for (uint32_t h : host_)
      if (h == ns) return true;
    return false;
  }

  // The engine named the container of scope S.
  void claim(ContainerScope& s, const ContainerFacts& f) {
    if (s.claimed()) return;
    if (f.image_digest.empty()) {
      spdlog::warn("container {} ({}): {} names no image digest; not recorded", f.name, short_id(f.id), engine_.cli());
      return;
    }
    s.container = f;
    if (f.pid && s.pidfd < 0) s.attach(f.pid);
    spdlog::info("container {} of image sha256:{} scoped (mount namespace {}, pid {})", label(s),
                 f.image_digest.substr(0, 12), s.mntns, s.init);
  }

  // Containers running before the agent: their namespace and processes in scope from now on.
  void adopt_running() {
    for (const std::string& id : engine_.running_ids()) {
      auto f = engine_.inspect(id);
      if (!f || !f->pid) continue;
      uint32_t ns = mount_namespace_of(f->pid);
      if (!ns || is_host(ns)) {
        spdlog::warn("container {} ({}) shares the host's mount namespace: not recorded", f->name, short_id(f->id));
        continue;
      }
      ContainerScope& s = scopes_.adopt(ns);
      s.adopted = true;
      s.drops_at_start = probes_->drops();
      if (!s.attach(f->pid)) continue;  // ended meanwhile
      probes_->trace_mount_namespace(ns);
      for (int pass = 0; pass < 2; ++pass)  // the second pass catches what forked during the first
        for (pid_t p : processes_in_mount_namespace(ns)) probes_->trace_tgid(static_cast<uint32_t>(p));
      claim(s, *f);
    }
  }

  // Scopes the kernel made since the last loop: hold their root, name them by their cgroup.
  void name_fresh_scopes() {
    for (uint32_t ns : scopes_.take_fresh()) {
      ContainerScope* s = scopes_.find(ns);
      if (!s) continue;
      s->drops_at_start = probes_->drops();
      if (!s->attach(s->init)) spdlog::debug("namespace {}: its first process {} is gone already", ns, s->init);
      claim_by_cgroup(*s);
    }
  }

  // The container id in the scope's cgroup, confirmed by the engine: while
  // the container runs, its init must be in this very namespace (a process
  // that moved itself into another container's cgroup names nothing).
  void claim_by_cgroup(ContainerScope& s) {
    if (s.claimed() || s.cgroup_id.empty()) return;
    auto f = engine_.inspect(s.cgroup_id);
    if (!f) return;
    if (f->pid && mount_namespace_of(f->pid) != s.mntns) {
      spdlog::debug("namespace {}: its cgroup names container {} whose init runs elsewhere", s.mntns, short_id(f->id));
      return;
    }
    claim(s, *f);
  }

  void on_event(const EngineEvent& e) {
    if (e.status != "start") return;  // died: the init's pidfd says it; the others change nothing recorded
    auto f = engine_.inspect(e.id);
    if (!f) return;
    if (!f->pid) {
      for (ContainerScope* s : scopes_.find_by_cgroup_id(f->id)) claim(*s, *f);  // ended already
      return;
    }
    uint32_t ns = mount_namespace_of(f->pid);
    if (ns && !is_host(ns)) starts_.push_back({*f, ns, Clock::now() + std::chrono::seconds(2)});
  }

  // Started containers whose namespace has no scope yet. The event can come
  // before the app's first exec is in the ring buffer (`runc start` returns
  // as it releases the init, which then execs) or before the loop consumed
  // it: drain, then wait up to 2 s for the kernel's scope before adopting the
  // container like one that was running before the agent (incomplete).
  void settle_starts() {
    if (starts_.empty()) return;
    probes_->drain();
    name_fresh_scopes();
    for (auto it = starts_.begin(); it != starts_.end();) {
      if (ContainerScope* s = scopes_.find(it->mntns)) {
        claim(*s, it->facts);
      } else if (Clock::now() >= it->deadline) {
        ContainerScope& a = scopes_.adopt(it->mntns);
        a.adopted = true;
        a.drops_at_start = probes_->drops();
        if (a.attach(it->facts.pid)) {
          probes_->trace_mount_namespace(it->mntns);
          for (pid_t p : processes_in_mount_namespace(it->mntns)) probes_->trace_tgid(static_cast<uint32_t>(p));
          claim(a, it->facts);
        } else {
          scopes_.remove(it->mntns);
        }
      } else {
        ++it;
        continue;
      }
      it = starts_.erase(it);
    }
  }

  void end_scopes() {
    std::vector<uint32_t> done, unclaimed;
    for (auto& [ns, s] : scopes_.all()) {
      if (!s->ended && s->init_exited()) {
        s->ended = true;
        s->ended_at = utc_now();
      }
      if (s->ended && s->claimed())
        done.push_back(ns);
      else if (!s->claimed() && seconds_since(s->first_seen) >= o_.claim_timeout_s)
        unclaimed.push_back(ns);
    }
    if (!done.empty()) probes_->drain();  // its last records: in the ring before its init was gone
    for (uint32_t ns : done) {
      ContainerScope& s = *scopes_.find(ns);
      flush(s);
      spdlog::info("container {} ended: {} records", label(s), s.agg.observations().records);
      probes_->forget_mount_namespace(ns);
      scopes_.remove(ns);
    }
    for (uint32_t ns : unclaimed) {
      ContainerScope& s = *scopes_.find(ns);
      spdlog::debug("namespace {} (first pid {}) is no container {} knows: ignored", ns, s.init, engine_.cli());
      if (s.ended) {
        probes_->forget_mount_namespace(ns);
        scopes_.remove(ns);
        continue;
      }
      probes_->ignore_mount_namespace(ns);
      for (pid_t p : processes_in_mount_namespace(ns)) probes_->untrace_tgid(static_cast<uint32_t>(p));
      scopes_.ignore(ns);
    }
    for (uint32_t ns : scopes_.expire_ignored()) probes_->forget_mount_namespace(ns);
  }

  void flush(ContainerScope& s) {
    if (s.root_fd < 0) {
      // Gone before pare could open its root (a container of a few milliseconds): nothing to resolve paths in.
      spdlog::warn("container {}: ended before pare could open its root; not recorded", label(s));
      return;
    }
    ScopeFlush f;
    f.syscalls = probes_->mount_namespace_syscalls(s.mntns);
    f.drops_now = probes_->drops();
    f.closure_opts = &o_.closure_opts;
    // A signal may cut this flush short (its closure, or the manifest's
    // publication, which publishes nothing once a signal came). Taken, the
    // flush is done again: whole after the stop request, without closures
    // after a second signal. A signal that only hurried keeps the manifest it
    // cut ("stopped twice during the closure"). Three rounds at most.
    for (int round = 0; round < 3; ++round) {
      f.closure = o_.closure && !hurry_;
      try {
        Manifest m = scope_manifest(s, f);
        if (take_signal() == SignalTaken::kStopRequest) continue;  // its closure may be cut: again, whole
        std::string path = store_.path_for(s.container->image_digest);
        store_.merge(s.container->image_digest, std::move(m));
        s.records_at_flush = s.agg.observations().records;
        spdlog::info("container {}: merged into {}", label(s), path);
        return;
      } catch (const Interrupted&) {
        take_signal();
      } catch (const Error& e) {
        ++failures_;
        spdlog::error("container {} (image sha256:{}): manifest not written: {}", label(s),
                      s.container->image_digest.substr(0, 12), e.what());
        return;
      }
    }
    ++failures_;
    spdlog::error("container {}: interrupted while writing its manifest", label(s));
  }

  // The first SIGINT/SIGTERM asks the agent to stop: the loop ends and every
  // container's manifest is still written whole. One more during those writes
  // (or any once stop() runs) hurries them: no more closures. The signal is
  // taken here only, so a flush that saw the stop request never swallows it.
  enum class SignalTaken { kNone, kStopRequest, kHurry };
  SignalTaken take_signal() {
    int sig = interrupt_signal();
    if (!sig) return SignalTaken::kNone;
    clear_interrupt();
    if (!stop_signal_ && !stopping_) {
      stop_signal_ = sig;
      return SignalTaken::kStopRequest;
    }
    hurry_ = sig;
    return SignalTaken::kHurry;
  }

  void stop() {
    take_signal();  // the stop request, unless a flush in the loop took it already
    stopping_ = true;  // from here a signal hurries the closures below
    int sig = stop_signal_;
    events_.reset();
    probes_->drain();
    name_fresh_scopes();
    if (sig) spdlog::info("stopping on {}: flushing {} containers", sig == SIGINT ? "SIGINT" : "SIGTERM", scopes_.all().size());
    for (auto& [ns, s] : scopes_.all()) {
      claim_by_cgroup(*s);
      if (s->claimed()) flush(*s);
    }
    if (uint64_t n = scopes_.overflow()) spdlog::warn("{} records of namespaces beyond the scope limit were not kept", n);
    clear_interrupt();
  }

  const AgentOptions& o_;
  ManifestStore store_;
  ContainerEngine engine_;
  std::vector<uint32_t> host_;
  ContainerScopes scopes_;
  std::unique_ptr<Probes> probes_;
  std::unique_ptr<EventStream> events_;
  struct Start {
    ContainerFacts facts;
    uint32_t mntns;
    Clock::time_point deadline;
  };
  std::vector<Start> starts_;
  uint64_t decode_errors_ = 0;
  int failures_ = 0;
  int stop_signal_ = 0;  // the signal that asked the agent to stop
  bool stopping_ = false;
  int hurry_ = 0;
};

}  // namespace

int run_agent(const AgentOptions& opts) {
  if (!(opts.flush_interval_s > 0) || opts.flush_interval_s > 86400)
    throw Error(kExitUsage, "--flush-interval must be a number of seconds from 0 to 86400");
  if (!(opts.claim_timeout_s > 0) || opts.claim_timeout_s > 3600)
    throw Error(kExitUsage, "--claim-timeout must be a number of seconds from 0 to 3600");
  validate_closure_options(opts.closure_opts);
  Agent agent(opts);
  return agent.run();
}

}  // namespace pare
