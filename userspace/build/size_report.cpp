#include "build/size_report.h"

#include <cstdio>
#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_set>

#include "common/name_encoding.h"
#include "build/rootfs_copy.h"

namespace pare {

namespace {

// "/usr/share/doc/x/y" -> "/usr/share/doc": deep enough to say what went.
std::string group_of(const std::string& p) {
  size_t n = 0, i = 0;
  while ((i = p.find('/', i + 1)) != std::string::npos)
    if (++n == 3) return p.substr(0, i);
  size_t last = p.rfind('/');
  return last == 0 ? "/" : p.substr(0, last);
}

}  // namespace

SizeReport size_report(const std::string& before_dir, const CopyResult& copied, const ReportOptions& opts) {
  SizeReport r;
  r.after = {copied.files, copied.bytes, copied.entries, 0};
  r.not_in_source = copied.not_in_source;
  r.vanished = copied.vanished;
  // Largest first; ties by name, so identical builds print identical reports.
  auto larger = [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; };
  // The ten largest copied out; the 10^5 others stay where they are.
  r.largest_kept.resize(std::min<size_t>(copied.file_sizes.size(), 10));
  std::partial_sort_copy(copied.file_sizes.begin(), copied.file_sizes.end(), r.largest_kept.begin(),
                         r.largest_kept.end(), larger);
  if (!opts.measure_before) {
    r.before_measured = false;
    r.before_not_measured = opts.not_measured_reason;
    return r;
  }
  TreeScan before = scan_tree(before_dir);
  r.before = before.size;
  r.vanished += before.size.vanished;
  // What the copy made, by name (hard links: every name made counts as kept).
  std::unordered_set<std::string_view> made;
  made.reserve(copied.file_sizes.size() + copied.more_links.size());
  for (auto& [p, bytes] : copied.file_sizes) made.insert(p);
  for (auto& p : copied.more_links) made.insert(p);
  std::map<std::string, SizeReport::Removed> removed;
  for (auto& [p, bytes] : before.files) {
    if (made.count(p)) continue;
    auto& g = removed[group_of(p)];
    g.dir = group_of(p);
    ++g.files;
    g.bytes += bytes;
  }
  for (auto& [d, g] : removed) r.removed_by_dir.push_back(g);
  std::sort(r.removed_by_dir.begin(), r.removed_by_dir.end(),
            [](auto& a, auto& b) { return a.bytes != b.bytes ? a.bytes > b.bytes : a.dir < b.dir; });
  return r;
}

namespace {

double ratio_of(const SizeReport& r) {
  return r.after.bytes ? static_cast<double>(r.before.bytes) / static_cast<double>(r.after.bytes) : 0;
}

}  // namespace

nlohmann::json report_to_json(const SizeReport& r) {
  auto tree = [](const TreeSize& t) { return nlohmann::json{{"files", t.files}, {"bytes", t.bytes}, {"entries", t.entries}}; };
  nlohmann::json largest = nlohmann::json::array(), removed = nlohmann::json::array();
  // Paths are bytes: the manifest's lossless encoding (common/name_encoding.h).
  nlohmann::json not_in_source = nlohmann::json::array();
  for (auto& p : r.not_in_source) not_in_source.push_back(encode_name(p));
  for (auto& [p, b] : r.largest_kept) largest.push_back({{"path", encode_name(p)}, {"bytes", b}});
  for (auto& g : r.removed_by_dir) removed.push_back({{"dir", encode_name(g.dir)}, {"files", g.files}, {"bytes", g.bytes}});
  nlohmann::json j = {{"before", tree(r.before)}, {"after", tree(r.after)}, {"ratio", ratio_of(r)},
                      {"largest_kept", largest}, {"removed_by_dir", removed}, {"not_in_source", not_in_source}};
  if (!r.before_measured) {
    j["before"] = nullptr;
    j["before_not_measured"] = r.before_not_measured;
    j["ratio"] = nullptr;
    j["removed_by_dir"] = nullptr;
  }
  if (r.vanished) j["vanished"] = r.vanished;
  return j;
}

std::string report_to_text(const SizeReport& r) {
  char line[512];
  std::string out;
  if (r.before_measured) {
    std::snprintf(line, sizeof line, "before: %llu files, %s\nafter:  %llu files, %s  (%.1fx smaller)\n",
                  static_cast<unsigned long long>(r.before.files), human_bytes(r.before.bytes).c_str(),
                  static_cast<unsigned long long>(r.after.files), human_bytes(r.after.bytes).c_str(), ratio_of(r));
    out += line;
  } else {
    out += "before: not measured (" + r.before_not_measured + ")\n";
    std::snprintf(line, sizeof line, "after:  %llu files, %s\n", static_cast<unsigned long long>(r.after.files),
                  human_bytes(r.after.bytes).c_str());
    out += line;
  }
  out += "largest kept:\n";
  for (auto& [p, b] : r.largest_kept) out += "  " + human_bytes(b) + "\t" + p + "\n";
  if (r.before_measured) out += "removed (by directory):\n";
  for (size_t i = 0; i < r.removed_by_dir.size() && i < 12; ++i) {
    auto& g = r.removed_by_dir[i];
    std::snprintf(line, sizeof line, "  %s\t%llu files\t%s\n", human_bytes(g.bytes).c_str(),
                  static_cast<unsigned long long>(g.files), g.dir.c_str());
    out += line;
  }
  if (!r.not_in_source.empty())
    out += std::to_string(r.not_in_source.size()) + " manifest paths are not in the source (first: " +
           r.not_in_source.front() + ")\n";
  if (r.vanished)
    out += std::to_string(r.vanished) + " source entries vanished or changed while building (skipped)\n";
  return out;
}

}  // namespace pare
