#include "audit/auditor.h"

#include <algorithm>

#include "aggregate/aggregator.h"
#include "resolve/symlink_chain.h"

namespace pare {

namespace {

constexpr uint32_t kCutShort = PARE_F_PATH_TRUNCATED | PARE_F_PATH_DETACHED;

// One kind per failed open: what the call meant to do at most.
std::string open_intent(uint64_t flags) {
  auto kinds = Aggregator::open_kinds(flags).names();
  for (const char* k : {"create", "write", "read"})
    if (kinds.count(k)) return k;
  return "read";
}

}  // namespace

Auditor::Auditor(const Manifest& m, const RootFs& root, AuditOptions opts, ProcessTable::Lookup lookup)
    : allow_(m), root_(root), opts_(opts), procs_(std::move(lookup)) {}

bool Auditor::resolve_name(const Event& ev, const std::string& raw, bool follow, std::string& path) {
  bool relative = raw.empty() || raw[0] != '/';
  if (ev.has(PARE_F_RAW_TRUNCATED) || (relative && (!ev.base || ev.has(PARE_F_BASE_DETACHED | PARE_F_BASE_TRUNCATED)))) {
    ++stats_.unplaceable;
    return false;
  }
  path = resolve_in_root(root_, raw, relative ? *ev.base : "/", follow).path;
  return true;
}

void Auditor::check(const Event& ev, const std::string& kind, const std::string& path, int err,
                    std::vector<Finding>& out) {
  if (allow_.allows(kind, path, err)) return;
  Finding f;
  f.kind = kind;
  f.path = path;
  f.err = err;
  f.ts_ns = ev.ts_ns;
  f.pid = ev.tgid;
  f.comm = ev.comm;
  report(std::move(f), out);
}

void Auditor::report(Finding f, std::vector<Finding>& out) {
  std::string key = f.kind + '\n' + (f.kind == "syscall" ? f.syscall : f.path);
  auto it = hits_.find(key);
  if (it != hits_.end()) {
    ++it->second;
    if (!opts_.all) return;
  } else if (hits_.size() < opts_.max_tracked) {
    hits_.emplace(std::move(key), 1);
    ++stats_.findings_by_kind[f.kind];
  } else {
    ++stats_.untracked;  // reported, but no longer remembered: it may come again
    ++stats_.findings_by_kind[f.kind];
  }
  if (f.pid) f.chain = procs_.chain(f.pid);
  out.push_back(std::move(f));
}

void Auditor::add(const Event& ev, std::vector<Finding>& out) {
  ++stats_.records;
  procs_.add(ev);
  bool follow = !ev.has(PARE_F_NOFOLLOW);
  int err = ev.err();
  std::string path;
  auto object = [&]() -> bool {
    if (!ev.path || ev.has(PARE_F_PATH_TRUNCATED)) {
      ++stats_.unplaceable;
      return false;
    }
    if (ev.has(kCutShort)) return false;  // memfd, deleted, outside the root: nothing to allow or copy
    path = *ev.path;
    return true;
  };
  switch (ev.type) {
    case EventType::kOpen:
      if (object())
        for (auto& kind : Aggregator::open_kinds(ev.aux).names()) check(ev, kind, path, 0, out);
      break;
    case EventType::kOpenFail:
      if (ev.raw && resolve_name(ev, *ev.raw, follow, path)) check(ev, open_intent(ev.aux), path, err, out);
      break;
    case EventType::kMmapExec:
      if (object()) check(ev, "library", path, 0, out);
      break;
    case EventType::kList:
      if (object()) check(ev, "listed", path, 0, out);
      break;
    case EventType::kCheck:
    case EventType::kCheckFail:
      if (ev.raw && resolve_name(ev, *ev.raw, follow, path)) check(ev, "checked", path, err, out);
      break;
    case EventType::kExec:
      if (object()) check(ev, "exec", path, 0, out);
      // A #! script: the script is what was run (the object is its interpreter).
      if (ev.interp && ev.raw && ev.raw->rfind("/dev/fd/", 0) != 0 && resolve_name(ev, *ev.raw, true, path))
        check(ev, "exec", path, 0, out);
      break;
    case EventType::kExecFail:
      if (ev.raw && resolve_name(ev, *ev.raw, true, path)) check(ev, "exec", path, err, out);
      break;
    case EventType::kBlind:
      if (ev.aux == PARE_BLIND_IO_URING) {
        stats_.blind_spots.insert("io_uring: file opens submitted through io_uring are not seen by this audit");
        if (!allow_.knew_io_uring()) {
          Finding f;
          f.kind = "io_uring";
          f.ts_ns = ev.ts_ns;
          f.pid = ev.tgid;
          f.comm = ev.comm;
          report(std::move(f), out);
        }
      }
      if (ev.aux == PARE_BLIND_IA32)
        stats_.blind_spots.insert("ia32: 32-bit syscalls are not decoded; their file accesses are not audited");
      break;
    case EventType::kFork:
    case EventType::kExit:
      break;
  }
}

void Auditor::add_syscalls(const std::set<std::string>& names, std::vector<Finding>& out) {
  for (auto& name : names) {
    if (!syscalls_seen_.insert(name).second || allow_.allows_syscall(name)) continue;
    Finding f;
    f.kind = "syscall";
    f.syscall = name;
    report(std::move(f), out);
  }
}

std::vector<std::tuple<std::string, std::string, uint64_t>> Auditor::top(size_t n) const {
  std::vector<std::tuple<std::string, std::string, uint64_t>> all;
  for (auto& [key, hits] : hits_) {
    auto nl = key.find('\n');
    all.emplace_back(key.substr(0, nl), key.substr(nl + 1), hits);
  }
  std::sort(all.begin(), all.end(), [](auto& a, auto& b) {
    if (std::get<2>(a) != std::get<2>(b)) return std::get<2>(a) > std::get<2>(b);
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  if (all.size() > n) all.resize(n);
  return all;
}

}  // namespace pare
