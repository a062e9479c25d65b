#include "manifest/diff.h"

#include <map>

#include "common/name_encoding.h"

namespace pare {

namespace {

// Both maps are sorted the same way: one walk side by side finds the names
// only one has, with no lookups (each lookup was ~17 string compares at 10^5).
template <class M>
void compare_keys(const M& a, const M& b, std::vector<std::string>& added, std::vector<std::string>& removed) {
  auto less = a.key_comp();
  auto i = a.begin(), j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (less(i->first, j->first)) {
      removed.push_back((i++)->first);
    } else if (less(j->first, i->first)) {
      added.push_back((j++)->first);
    } else {
      ++i;
      ++j;
    }
  }
  for (; i != a.end(); ++i) removed.push_back(i->first);
  for (; j != b.end(); ++j) added.push_back(j->first);
}

std::string kinds_text(const std::set<std::string>& kinds, const std::set<std::string>& why) {
  std::string s;
  for (auto& k : kinds) {
    if (!s.empty()) s += ',';
    s += k;
  }
  if (s.empty() && !why.empty()) s = printable_name(*why.begin());
  return s.empty() ? s : "  (" + s + ")";
}

}  // namespace

bool ManifestDiff::empty() const {
  return added_paths.empty() && removed_paths.empty() && added_missing.empty() && removed_missing.empty() &&
         added_processes.empty() && removed_processes.empty() && added_syscalls.empty() && removed_syscalls.empty();
}

ManifestDiff diff_manifests(const Manifest& a, const Manifest& b) {
  ManifestDiff d;
  compare_keys(a.paths, b.paths, d.added_paths, d.removed_paths);
  compare_keys(a.missing, b.missing, d.added_missing, d.removed_missing);
  compare_keys(a.processes, b.processes, d.added_processes, d.removed_processes);
  if (a.syscalls && b.syscalls) {
    std::map<std::string, int> sa, sb;
    for (auto& s : *a.syscalls) sa[s];
    for (auto& s : *b.syscalls) sb[s];
    compare_keys(sa, sb, d.added_syscalls, d.removed_syscalls);
  }
  return d;
}

nlohmann::json diff_to_json(const ManifestDiff& d) {
  // Names are bytes: the same lossless encoding as the manifest (common/name_encoding.h).
  auto names = [](const std::vector<std::string>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (auto& s : v) a.push_back(encode_name(s));
    return a;
  };
  return {
      {"paths", {{"added", names(d.added_paths)}, {"removed", names(d.removed_paths)}}},
      {"missing", {{"added", names(d.added_missing)}, {"removed", names(d.removed_missing)}}},
      {"processes", {{"added", names(d.added_processes)}, {"removed", names(d.removed_processes)}}},
      {"syscalls", {{"added", names(d.added_syscalls)}, {"removed", names(d.removed_syscalls)}}},
      {"identical", d.empty()},
  };
}

std::string diff_to_text(const ManifestDiff& d, const Manifest& a, const Manifest& b) {
  std::string out;
  // Appended piece by piece: a temporary string per line was most of the text's cost.
  auto line = [&out](char sign, const std::string& name, const std::string& note) {
    out += sign;
    out += ' ';
    out += printable_name(name);
    out += note;
    out += '\n';
  };
  auto section = [&](const char* title, const std::vector<std::string>& added, const std::vector<std::string>& removed,
                     auto describe_added, auto describe_removed) {
    if (added.empty() && removed.empty()) return;
    out += std::string(title) + ":\n";
    // Text is for terminals: names that are not UTF-8 are shown %-escaped.
    for (auto& p : added) line('+', p, describe_added(p));
    for (auto& p : removed) line('-', p, describe_removed(p));
  };
  section("paths", d.added_paths, d.removed_paths,
          [&](const std::string& p) {
            auto& e = b.paths.at(p);
            return kinds_text(e.kinds, e.why);
          },
          [&](const std::string& p) {
            auto& e = a.paths.at(p);
            return kinds_text(e.kinds, e.why);
          });
  section("missing", d.added_missing, d.removed_missing,
          [&](const std::string& p) { return kinds_text(b.missing.at(p).errors, {}); },
          [&](const std::string& p) { return kinds_text(a.missing.at(p).errors, {}); });
  auto none = [](const std::string&) { return std::string(); };
  section("processes", d.added_processes, d.removed_processes, none, none);
  section("syscalls", d.added_syscalls, d.removed_syscalls, none, none);
  if (out.empty()) out = "no differences\n";
  return out;
}

}  // namespace pare
