#include "closure/glob.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <functional>
#include <set>

#include "resolve/symlink_chain.h"

namespace pare {

namespace {

bool match_from(const std::vector<std::string>& pat, size_t pi, const std::vector<std::string>& path, size_t xi) {
  if (pi == pat.size()) return xi == path.size();
  if (pat[pi] == "**") {
    for (size_t k = xi; k <= path.size(); ++k)
      if (match_from(pat, pi + 1, path, k)) return true;
    return false;
  }
  if (xi == path.size()) return false;
  if (fnmatch(pat[pi].c_str(), path[xi].c_str(), FNM_PERIOD) != 0) return false;
  return match_from(pat, pi + 1, path, xi + 1);
}

bool has_wildcard(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string join(const std::string& dir, const std::string& name) { return dir == "/" ? "/" + name : dir + "/" + name; }

}  // namespace

bool glob_match(const std::string& pattern, const std::string& path) {
  return match_from(path_components(pattern), 0, path_components(path), 0);
}

std::vector<std::string> glob_expand(const RootFs& fs, const std::string& pattern) {
  auto pat = path_components(pattern);
  std::set<std::string> out;
  // Walk only as deep as the pattern needs; `**` walks the whole subtree.
  std::function<void(const std::string&, size_t)> walk = [&](const std::string& dir, size_t pi) {
    if (pi == pat.size()) {
      out.insert(dir);
      return;
    }
    if (pat[pi] == "**") {
      walk(dir, pi + 1);  // zero components
      for (auto& name : fs.list_dir(dir)) {
        std::string child = join(dir, name);
        auto st = fs.lstat(child);
        if (!st) continue;
        if (S_ISDIR(st->st_mode)) walk(child, pi);
        else if (pi + 1 == pat.size()) out.insert(child);
        else walk(child, pi + 1);
      }
      return;
    }
    if (!has_wildcard(pat[pi])) {
      std::string child = join(dir, pat[pi]);
      if (fs.lstat(child)) walk(child, pi + 1);
      return;
    }
    for (auto& name : fs.list_dir(dir))
      if (fnmatch(pat[pi].c_str(), name.c_str(), FNM_PERIOD) == 0) walk(join(dir, name), pi + 1);
  };
  walk("/", 0);
  std::vector<std::string> v(out.begin(), out.end());
  if (!v.empty() && v.front() == "/" && !pat.empty()) v.erase(v.begin());
  return v;
}

}  // namespace pare
