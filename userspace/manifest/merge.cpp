#include "manifest/merge.h"

#include <algorithm>
#include <set>

namespace pare {

namespace {

// The first process that touched a path, chosen the same whatever the order.
template <class E>
void merge_first(E& into, const E& from) {
  if (!from.first_pid) return;
  if (!into.first_pid || std::tie(from.first_pid, from.first_comm) < std::tie(into.first_pid, into.first_comm)) {
    into.first_pid = from.first_pid;
    into.first_comm = from.first_comm;
  }
}

// FROM is consumed: its nodes move into INTO (no copy of the strings).
template <class S>
void unite(S& into, S& from) {
  into.merge(from);
}

// Entries named only in IN move to OUT whole: their map nodes are relinked,
// nothing is copied or allocated (a copy of every key and entry was a third
// manifest's worth of memory at the peak of a merge). COMBINE folds the
// entries both have; what is left in IN is freed with it.
template <class Map, class Combine>
void merge_entries(Map& out, Map& in, Combine combine) {
  out.merge(in);
  for (auto& [name, e] : in) combine(out.find(name)->second, e);
}

int type_rank(const std::string& t) {
  if (t == "absent") return 0;
  if (t == "unknown") return 1;
  return 2;
}

std::vector<std::string> sorted_union(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::set<std::string> s(a.begin(), a.end());
  s.insert(b.begin(), b.end());
  return {s.begin(), s.end()};
}

}  // namespace

Manifest merge_manifests(std::vector<Manifest> inputs) {
  Manifest out;
  if (inputs.empty()) return out;
  out = merge_start(std::move(inputs.front()));
  for (size_t i = 1; i < inputs.size(); ++i) {
    merge_into(out, std::move(inputs[i]));
    inputs[i] = Manifest();  // memory back as soon as it is merged
  }
  return out;
}

Manifest merge_start(Manifest first) {
  // Normalise the first input the way every later one is merged, so the
  // result does not depend on which input came first.
  first.incomplete_reasons = sorted_union(first.incomplete_reasons, {});
  first.blind_spots = sorted_union(first.blind_spots, {});
  return first;
}

void merge_into(Manifest& out, Manifest&& in) {
  {
    out.tool_version = std::max(out.tool_version, in.tool_version);
    if (!(out.target.command == in.target.command && out.target.pid == in.target.pid &&
          out.target.root == in.target.root)) {
      out.target.command.clear();
      out.target.pid.reset();
      out.target.root = std::min(out.target.root, in.target.root);
    }
    if (out.target.exit_status != in.target.exit_status) out.target.exit_status.reset();
    if (out.target.lang != in.target.lang) out.target.lang = std::min(out.target.lang, in.target.lang);
    out.started_at = std::min(out.started_at, in.started_at);
    out.ended_at = std::max(out.ended_at, in.ended_at);
    out.complete = out.complete && in.complete;
    out.incomplete_reasons = sorted_union(out.incomplete_reasons, in.incomplete_reasons);
    out.blind_spots = sorted_union(out.blind_spots, in.blind_spots);
    if (in.syscalls) {
      if (!out.syscalls) out.syscalls.emplace();
      out.syscalls->insert(in.syscalls->begin(), in.syscalls->end());
    }
    for (auto& [k, v] : in.drops) out.drops[k] = std::max(out.drops[k], v);
    out.truncated = std::max(out.truncated, in.truncated);

    merge_entries(out.paths, in.paths, [](PathEntry& o, PathEntry& e) {
      unite(o.kinds, e.kinds);
      unite(o.why, e.why);
      if (type_rank(e.type) > type_rank(o.type) || (type_rank(e.type) == type_rank(o.type) && e.type < o.type))
        o.type = e.type;  // a path that existed in any run wins over "absent"/"unknown"
      if (!o.target || (e.target && *e.target < *o.target)) o.target = e.target ? e.target : o.target;
      o.pseudo = o.pseudo || e.pseudo;
      // A path that existed before any of the runs is image content.
      o.created = o.created && e.created;
      o.count = std::max(o.count, e.count);
      merge_first(o, e);
    });
    merge_entries(out.missing, in.missing, [](MissingEntry& o, MissingEntry& e) {
      unite(o.kinds, e.kinds);
      unite(o.errors, e.errors);
      o.count = std::max(o.count, e.count);
      merge_first(o, e);
    });
    merge_entries(out.processes, in.processes, [](ProcessEntry& o, ProcessEntry& e) {
      unite(o.scripts, e.scripts);
      o.execs = std::max(o.execs, e.execs);
      merge_first(o, e);
    });
    merge_entries(out.unbacked, in.unbacked, [](UnbackedEntry& o, UnbackedEntry& e) {
      unite(o.kinds, e.kinds);
      o.count = std::max(o.count, e.count);
      merge_first(o, e);
    });
  }
}

}  // namespace pare
