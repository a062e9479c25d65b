#include "build/size_report.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace pare {

namespace fs = std::filesystem;

namespace {

// Path inside the tree -> size of each regular file (first name of a hard link only).
std::map<std::string, uint64_t> regular_files(const std::string& root, TreeSize& size) {
  std::map<std::string, uint64_t> out;
  std::set<std::pair<dev_t, ino_t>> seen;
  std::error_code ec;
  struct stat root_st;
  if (lstat(root.c_str(), &root_st) != 0) return out;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    struct stat st;
    if (lstat(it->path().c_str(), &st) != 0) continue;
    // Stay on the root's filesystem: /proc, /sys and other mounts are not the image.
    if (st.st_dev != root_st.st_dev) {
      it.disable_recursion_pending();
      continue;
    }
    ++size.entries;
    if (!S_ISREG(st.st_mode)) continue;
    if (st.st_nlink > 1 && !seen.insert({st.st_dev, st.st_ino}).second) continue;
    std::string rel = "/" + fs::relative(it->path(), root).string();
    out[rel] = static_cast<uint64_t>(st.st_size);
    ++size.files;
    size.bytes += static_cast<uint64_t>(st.st_size);
  }
  return out;
}

// "/usr/share/doc/x/y" -> "/usr/share/doc": deep enough to say what went.
std::string group_of(const std::string& p) {
  size_t n = 0, i = 0;
  while ((i = p.find('/', i + 1)) != std::string::npos)
    if (++n == 3) return p.substr(0, i);
  size_t last = p.rfind('/');
  return last == 0 ? "/" : p.substr(0, last);
}

}  // namespace

std::string human_bytes(uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

SizeReport compare_trees(const std::string& before_dir, const std::string& after_dir) {
  SizeReport r;
  auto before = regular_files(before_dir, r.before);
  auto after = regular_files(after_dir, r.after);
  std::vector<std::pair<std::string, uint64_t>> kept(after.begin(), after.end());
  std::sort(kept.begin(), kept.end(), [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  kept.resize(std::min<size_t>(kept.size(), 10));
  r.largest_kept = kept;
  std::map<std::string, SizeReport::Removed> removed;
  for (auto& [p, bytes] : before) {
    if (after.count(p)) continue;
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

nlohmann::json report_to_json(const SizeReport& r) {
  auto tree = [](const TreeSize& t) { return nlohmann::json{{"files", t.files}, {"bytes", t.bytes}, {"entries", t.entries}}; };
  nlohmann::json largest = nlohmann::json::array(), removed = nlohmann::json::array();
  for (auto& [p, b] : r.largest_kept) largest.push_back({{"path", p}, {"bytes", b}});
  for (auto& g : r.removed_by_dir) removed.push_back({{"dir", g.dir}, {"files", g.files}, {"bytes", g.bytes}});
  double ratio = r.after.bytes ? static_cast<double>(r.before.bytes) / static_cast<double>(r.after.bytes) : 0;
  return {{"before", tree(r.before)}, {"after", tree(r.after)}, {"ratio", ratio},
          {"largest_kept", largest}, {"removed_by_dir", removed}, {"not_in_source", r.not_in_source}};
}

std::string report_to_text(const SizeReport& r) {
  char line[512];
  std::string out;
  double ratio = r.after.bytes ? static_cast<double>(r.before.bytes) / static_cast<double>(r.after.bytes) : 0;
  std::snprintf(line, sizeof line, "before: %llu files, %s\nafter:  %llu files, %s  (%.1fx smaller)\n",
                static_cast<unsigned long long>(r.before.files), human_bytes(r.before.bytes).c_str(),
                static_cast<unsigned long long>(r.after.files), human_bytes(r.after.bytes).c_str(), ratio);
  out += line;
  out += "largest kept:\n";
  for (auto& [p, b] : r.largest_kept) out += "  " + human_bytes(b) + "\t" + p + "\n";
  out += "removed (by directory):\n";
  for (size_t i = 0; i < r.removed_by_dir.size() && i < 12; ++i) {
    auto& g = r.removed_by_dir[i];
    std::snprintf(line, sizeof line, "  %s\t%llu files\t%s\n", human_bytes(g.bytes).c_str(),
                  static_cast<unsigned long long>(g.files), g.dir.c_str());
    out += line;
  }
  if (!r.not_in_source.empty())
    out += std::to_string(r.not_in_source.size()) + " manifest paths are not in the source (first: " +
           r.not_in_source.front() + ")\n";
  return out;
}

}  // namespace pare
