#include "closure/glob.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <set>

#include "common/interrupt.h"
#include "resolve/symlink_chain.h"

namespace pare {

namespace {

bool has_wildcard(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string join(const std::string& dir, const std::string& name) { return dir == "/" ? "/" + name : dir + "/" + name; }

}  // namespace

// Dynamic programming over (pattern component, path component) instead of
// backtracking: with several `**` a backtracking matcher is exponential in the
// path depth; this is O(pattern x path) fnmatch calls whatever the input.
bool glob_match(const std::string& pattern, const std::string& path) {
  auto pat = path_components(pattern), name = path_components(path);
  size_t n = name.size();
  // next[j]: pattern components i+1.. match name components j..
  std::vector<char> next(n + 1, 0), cur(n + 1, 0);
  next[n] = 1;
  for (size_t i = pat.size(); i-- > 0;) {
    bool globstar = pat[i] == "**";
    cur[n] = globstar && next[n];
    for (size_t j = n; j-- > 0;) {
      if (globstar) cur[j] = next[j] || cur[j + 1];
      else cur[j] = next[j + 1] && fnmatch(pat[i].c_str(), name[j].c_str(), FNM_PERIOD) == 0;
    }
    std::swap(cur, next);
  }
  return next[0];
}

std::vector<std::string> glob_expand(const RootFs& fs, const std::string& pattern) {
  auto pat = path_components(pattern);
  std::set<std::string> out;
  // Walk only as deep as the pattern needs; `**` walks the whole subtree. An
  // explicit stack (an untrusted tree may be deeper than our stack) and a
  // visited set (two `**` must not revisit a directory once per split).
  std::vector<std::pair<std::string, size_t>> todo = {{"/", 0}};
  std::set<std::pair<std::string, size_t>> seen;
  while (!todo.empty()) {
    auto [dir, pi] = std::move(todo.back());
    todo.pop_back();
    if (!seen.insert({dir, pi}).second) continue;
    if (pi == pat.size()) {
      out.insert(dir);
      continue;
    }
    throw_if_interrupted();
    if (pat[pi] == "**") {
      todo.emplace_back(dir, pi + 1);  // zero components
      for (auto& name : fs.list_dir(dir)) {
        std::string child = join(dir, name);
        auto st = fs.lstat(child);
        if (!st) continue;
        if (S_ISDIR(st->st_mode)) todo.emplace_back(child, pi);
        else if (pi + 1 == pat.size()) out.insert(child);
        else todo.emplace_back(child, pi + 1);
      }
      continue;
    }
    if (!has_wildcard(pat[pi])) {
      std::string child = join(dir, pat[pi]);
      if (fs.lstat(child)) todo.emplace_back(child, pi + 1);
      continue;
    }
    for (auto& name : fs.list_dir(dir))
      if (fnmatch(pat[pi].c_str(), name.c_str(), FNM_PERIOD) == 0) todo.emplace_back(join(dir, name), pi + 1);
  }
  std::vector<std::string> v(out.begin(), out.end());
  if (!v.empty() && v.front() == "/" && !pat.empty()) v.erase(v.begin());
  return v;
}

}  // namespace pare
