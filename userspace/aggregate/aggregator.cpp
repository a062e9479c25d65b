#include "aggregate/aggregator.h"

#include <fcntl.h>

#include <string_view>

#include "decode/event_json.h"

namespace pare {

namespace {

void touch(Use& use, const Event& ev, KindSet kinds) {
  if (use.count++ == 0) use.first = {ev.tgid, ev.comm};
  use.kinds.insert(kinds);
}

constexpr uint32_t kTruncatedFlags = PARE_F_PATH_TRUNCATED | PARE_F_BASE_TRUNCATED | PARE_F_RAW_TRUNCATED;

// Appends the components of NAME (no empty or "." ones) to the cursor over
// PATH's components; false on a "..", or when they stop matching PATH.
bool match_components(std::string_view name, std::string_view path, size_t& at) {
  size_t i = 0;
  while (i < name.size()) {
    size_t j = name.find('/', i);
    if (j == std::string_view::npos) j = name.size();
    std::string_view c = name.substr(i, j - i);
    i = j + 1;
    if (c.empty() || c == ".") continue;
    if (c == "..") return false;
    // PATH is "/a/b/c": the next component must be "/" + c there.
    if (at >= path.size() || path[at] != '/' || path.compare(at + 1, c.size(), c) != 0) return false;
    at += 1 + c.size();
    if (at < path.size() && path[at] != '/') return false;
  }
  return true;
}

// The name a successful open asked for is the very object the kernel
// reached: spelled out (after BASE for a relative name) it has the object's
// path's components, none of them "..". Then no symlink was crossed (a link
// replaces its own component with its target's) and resolving the name
// later would only find the object again, so the name need not be kept.
// This is the common case (tar, find, a language runtime loading modules),
// and skipping it halves what a heavy recording holds and resolves.
bool names_the_object(const Event& ev, const std::string& raw) {
  if (!ev.path || (ev.flags & kTruncatedFlags) || ev.has(PARE_F_PATH_DETACHED)) return false;
  const std::string& path = *ev.path;
  size_t at = 0;
  bool relative = raw.empty() || raw[0] != '/';
  if (relative) {
    if (!ev.base || ev.has(PARE_F_BASE_DETACHED)) return false;
    if (!match_components(*ev.base, path, at)) return false;
  }
  return match_components(raw, path, at) && at == path.size();
}

}  // namespace

KindSet Aggregator::open_kinds(uint64_t flags) {
  KindSet kinds;
  int acc = static_cast<int>(flags & O_ACCMODE);
  if (acc == O_RDONLY || acc == O_RDWR) kinds.insert({KindSet::kRead});
  if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC)) kinds.insert({KindSet::kWrite});
  if (flags & O_CREAT) kinds.insert({KindSet::kCreate});
  return kinds;
}

void Aggregator::add_object(const Event& ev, KindSet kinds) {
  // A truncated walk is only a suffix of the real path: never a path to keep.
  if (!ev.path || ev.has(PARE_F_PATH_TRUNCATED)) return;
  if (ev.has(PARE_F_PATH_DETACHED)) {
    touch(obs_.unbacked[*ev.path], ev, kinds);
    return;
  }
  touch(obs_.objects[*ev.path], ev, kinds);
}

void Aggregator::add_name(const Event& ev, const std::string& raw, KindSet kinds, bool follow) {
  NameKey key;
  key.raw = raw;
  bool relative = raw.empty() || raw[0] != '/';
  if (relative) {
    // A relative name with no usable base cannot be placed: count it, do not guess.
    if (!ev.base || ev.has(PARE_F_BASE_DETACHED)) {
      ++obs_.truncated;
      return;
    }
    key.base = *ev.base;
  } else {
    key.base = "/";
  }
  key.follow_final = follow;
  key.err = ev.err();
  touch(obs_.names[key], ev, kinds);
}

void Aggregator::add(const Event& ev) {
  ++obs_.records;
  if (ev.flags & kTruncatedFlags) ++obs_.truncated;
  bool follow = !ev.has(PARE_F_NOFOLLOW);
  switch (ev.type) {
    case EventType::kOpen: {
      auto kinds = open_kinds(ev.aux);
      add_object(ev, kinds);
      if (ev.raw && !ev.has(PARE_F_EMPTY_PATH) && !names_the_object(ev, *ev.raw)) add_name(ev, *ev.raw, kinds, follow);
      break;
    }
    case EventType::kOpenFail:
      if (ev.raw) add_name(ev, *ev.raw, open_kinds(ev.aux), follow);
      break;
    case EventType::kMmapExec:
      add_object(ev, {KindSet::kMappedExec});
      break;
    case EventType::kList:
      add_object(ev, {KindSet::kListed});
      break;
    case EventType::kCheck:
    case EventType::kCheckFail:
      if (ev.raw) add_name(ev, *ev.raw, {KindSet::kChecked}, follow);
      break;
    case EventType::kExecFail:
      if (ev.raw) add_name(ev, *ev.raw, {KindSet::kExec}, true);
      break;
    case EventType::kExec: {
      bool script = ev.interp.has_value();
      add_object(ev, script ? KindSet{KindSet::kExec, KindSet::kInterpreter} : KindSet{KindSet::kExec});
      // The requested name: for a script it is the script itself; for a plain
      // binary it carries the symlink chain (/usr/bin/python3 -> python3.11).
      // fexecve/execveat(AT_EMPTY_PATH) name /dev/fd/N: the object says it all.
      if (ev.raw && ev.raw->rfind("/dev/fd/", 0) != 0)
        add_name(ev, *ev.raw, script ? KindSet{KindSet::kScript} : KindSet{KindSet::kExec}, true);
      if (script) add_name(ev, *ev.interp, {KindSet::kInterpreter}, true);
      if (ev.path && !ev.has(PARE_F_PATH_DETACHED)) {
        auto& p = obs_.processes[*ev.path];
        if (p.execs++ == 0) p.first = {ev.tgid, ev.comm};
        if (script && ev.raw) p.scripts.insert(*ev.raw);
      }
      break;
    }
    case EventType::kFork:
      ++obs_.forks;
      break;
    case EventType::kExit:
      ++obs_.exits;
      break;
    case EventType::kBlind:
      if (ev.aux == PARE_BLIND_IA32)
        obs_.blind_spots.insert("ia32: 32-bit syscalls are not decoded (first: pid " + std::to_string(ev.tgid) + " " +
                                ev.comm + ")");
      if (ev.aux == PARE_BLIND_IO_URING)
        obs_.blind_spots.insert("io_uring: opens submitted through io_uring bypass syscall tracepoints (first: pid " +
                                std::to_string(ev.tgid) + " " + ev.comm + ")");
      break;
  }
}

}  // namespace pare
