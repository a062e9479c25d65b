#include "manifest/trace_to_manifest.h"

#include <algorithm>
#include <cerrno>
#include <future>
#include <vector>

#include "decode/event_json.h"
#include "resolve/elf_info.h"
#include "resolve/symlink_chain.h"

namespace pare {

namespace {

void merge_use(PathEntry& e, const Use& use) {
  use.kinds.add_names_to(e.kinds);
  if (e.count == 0 || (use.first.pid && !e.first_pid)) {
    e.first_pid = use.first.pid;
    e.first_comm = use.first.comm;
  }
  e.count += use.count;
}

// Keep each symlink crossed on the way to `reached`.
void add_hops(Manifest& m, const Resolution& res, const std::string& reached, const Use& use) {
  for (auto& hop : res.hops) {
    auto& e = m.paths[hop.link];
    e.type = "symlink";  // the walk read it as one
    e.kinds.insert("symlink");
    e.why.insert("symlink on the way to " + reached);
    e.target = hop.target;
    if (!e.first_pid) {
      e.first_pid = use.first.pid;
      e.first_comm = use.first.comm;
    }
    e.count += use.count;
  }
}

using NameNode = std::map<NameKey, Use>::node_type;

// Up to N names from the front of NAMES, in order.
std::vector<NameNode> take_names(std::map<NameKey, Use>& names, size_t n) {
  std::vector<NameNode> out;
  out.reserve(std::min(n, names.size()));
  while (out.size() < n && !names.empty()) out.push_back(names.extract(names.begin()));
  return out;
}

std::vector<Resolution> resolve_names(const RootFs& fs, const std::vector<NameNode>& nodes) {
  std::vector<Resolution> out;
  out.reserve(nodes.size());
  for (auto& n : nodes) out.push_back(resolve_in_root(fs, n.key().raw, n.key().base, n.key().follow_final));
  return out;
}

// Resolving names (a walk and an lstat each) is most of a big fill's time
// (tar lstat's every file it archives): from this many on, a second thread
// resolves every other chunk in a view of the root of its own.
constexpr size_t kNamesChunk = 2048;
constexpr size_t kTwoThreadNames = 2 * kNamesChunk;

}  // namespace

void fill_manifest_from_trace(Manifest& m, Observations obs, const TraceTotals& totals, const RootFs& fs) {
  while (!obs.objects.empty()) {
    auto node = obs.objects.extract(obs.objects.begin());
    const Use& use = node.mapped();
    // Sorted like the manifest: placed at the end in constant time when it is empty.
    auto& e = m.paths.try_emplace(m.paths.end(), std::move(node.key()))->second;
    merge_use(e, use);
    e.why.insert("traced");
  }

  // Names come by base directory, so their paths mostly follow one another
  // in the manifest's order: look next to the last one before searching.
  auto last = m.paths.end();
  auto entry_for = [&m, &last](const std::string& path) -> PathEntry& {
    if (last != m.paths.end()) {
      auto next = std::next(last);
      if (next != m.paths.end() && next->first == path) return (last = next)->second;
      if (last->first == path) return last->second;
    }
    last = m.paths.try_emplace(path).first;
    return last->second;
  };

  auto apply_name = [&](const NameKey& key, const Use& use, const Resolution& res) {
    if (key.err == 0) {
      auto& e = entry_for(res.path);
      if (res.exists && res.mode) e.type = file_type_name(res.mode);  // the walk's lstat: no second one below
      merge_use(e, use);
      e.why.insert("traced");
      add_hops(m, res, res.path, use);
      return;
    }
    // The call failed but the object exists (EACCES, EEXIST, ELOOP...): the
    // app's behaviour depends on it being there, so it is kept as checked.
    if (res.exists && key.err != ENOENT && key.err != ENOTDIR) {
      auto& e = m.paths[res.path];
      Use checked = use;
      checked.kinds = {KindSet::kChecked};
      merge_use(e, checked);
      e.why.insert("traced (the call failed with " + errno_name(key.err) + ")");
    }
    // A failed lookup: listed apart, never copied. Links crossed before the
    // failure still exist and shaped the result, so they are kept.
    auto& miss = m.missing[res.path];
    use.kinds.add_names_to(miss.kinds);
    miss.errors.insert(errno_name(key.err));
    if (miss.count == 0) {
      miss.first_pid = use.first.pid;
      miss.first_comm = use.first.comm;
    }
    miss.count += use.count;
    add_hops(m, res, res.path + " (missing)", use);
  };
  auto apply_names = [&](const std::vector<NameNode>& nodes, const std::vector<Resolution>& resolved) {
    for (size_t i = 0; i < nodes.size(); ++i) apply_name(nodes[i].key(), nodes[i].mapped(), resolved[i]);
  };
  // Chunks in order: this thread resolves one while the second resolves the
  // next, then both are applied in order (the manifest is the same as from
  // one thread). Only names are in flight: the nodes are freed chunk by chunk.
  std::unique_ptr<RootFs> second = obs.names.size() >= kTwoThreadNames ? fs.another_view() : nullptr;
  while (!obs.names.empty()) {
    std::vector<NameNode> mine = take_names(obs.names, kNamesChunk);
    std::vector<NameNode> theirs;
    std::future<std::vector<Resolution>> their_resolved;
    if (second && !obs.names.empty()) {
      theirs = take_names(obs.names, kNamesChunk);
      their_resolved = std::async(std::launch::async, [&] { return resolve_names(*second, theirs); });
    }
    apply_names(mine, resolve_names(fs, mine));
    if (their_resolved.valid()) apply_names(theirs, their_resolved.get());
  }

  // The kernel maps PT_INTERP itself: no syscall names it, so take it from the ELF.
  for (auto& [exe, proc] : obs.processes) {
    auto interp = elf_interpreter(fs, exe);
    if (!interp) continue;
    Resolution res = resolve_in_root(fs, *interp);
    auto& e = m.paths[res.path];
    e.kinds.insert("elf-interp");
    e.why.insert("elf-interp of " + exe);
    if (!e.first_pid) {
      e.first_pid = proc.first.pid;
      e.first_comm = proc.first.comm;
    }
    Use use;
    use.first = proc.first;
    add_hops(m, res, res.path, use);
  }

  for (auto& [path, e] : m.paths) {
    if (e.type == "unknown") e.type = fs.type_of(path);  // "absent": gone since (a temp file) or never there
    if (e.type == "symlink" && !e.target) e.target = fs.readlink(path);
  }

  for (auto& [exe, proc] : obs.processes) {
    auto& p = m.processes[exe];
    p.execs += proc.execs;
    p.scripts.insert(proc.scripts.begin(), proc.scripts.end());
    if (!p.first_pid) {
      p.first_pid = proc.first.pid;
      p.first_comm = proc.first.comm;
    }
  }
  for (auto& [name, use] : obs.unbacked) {
    auto& u = m.unbacked[name];
    use.kinds.add_names_to(u.kinds);
    u.count += use.count;
    if (!u.first_pid) {
      u.first_pid = use.first.pid;
      u.first_comm = use.first.comm;
    }
  }

  m.blind_spots.assign(obs.blind_spots.begin(), obs.blind_spots.end());
  m.drops = totals.drops;
  m.truncated = obs.truncated;

  uint64_t dropped = 0;
  for (auto& [type, n] : totals.drops) {
    dropped += n;
    if (n) m.incomplete_reasons.push_back(std::to_string(n) + " " + type + " records dropped (ring buffer or table full)");
  }
  if (obs.truncated)
    m.incomplete_reasons.push_back(std::to_string(obs.truncated) + " records with a path cut short or unplaceable");
  if (obs.decode_errors)
    m.incomplete_reasons.push_back(std::to_string(obs.decode_errors) + " records failed to decode");
  for (auto& b : obs.blind_spots) m.incomplete_reasons.push_back(b);
  std::sort(m.incomplete_reasons.begin(), m.incomplete_reasons.end());  // merge keeps them sorted too
  m.complete = m.incomplete_reasons.empty() && dropped == 0;
}

}  // namespace pare
