#include "resolve/symlink_chain.h"

#include <sys/stat.h>

#include <deque>

namespace pare {

namespace {

constexpr int kMaxSymlinks = 40;  // the kernel's MAXSYMLINKS

std::deque<std::string> split(const std::string& path) {
  auto parts = path_components(path);
  return {parts.begin(), parts.end()};
}

std::string join(const std::vector<std::string>& parts) {
  if (parts.empty()) return "/";
  std::string s;
  for (const auto& p : parts) s += "/" + p;
  return s;
}

}  // namespace

std::string parent_path(const std::string& path) {
  size_t i = path.rfind('/');
  return i == 0 || i == std::string::npos ? "/" : path.substr(0, i);
}

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::vector<std::string> path_components(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string lexical_normalize(const std::string& path) {
  std::vector<std::string> parts;
  for (auto& c : split(path)) {
    if (c == ".") continue;
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(c);
  }
  return join(parts);
}

Resolution resolve_in_root(const RootFs& fs, const std::string& path, const std::string& base,
                           bool follow_final) {
  Resolution res;
  std::vector<std::string> cur;
  if (path.empty() || path[0] != '/')
    for (auto& c : split(lexical_normalize(base))) cur.push_back(c);
  std::deque<std::string> todo = split(path);
  int budget = kMaxSymlinks;
  res.exists = true;

  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == ".") continue;
    if (c == "..") {  // cur has no symlinks left in it, so ".." is its parent
      if (!cur.empty()) cur.pop_back();
      continue;
    }
    cur.push_back(c);
    std::string here = join(cur);
    auto st = fs.lstat(here);
    if (!st) {
      // Missing: keep the rest lexically so the caller still gets a full name.
      res.exists = false;
      for (auto& rest : todo) {
        if (rest == "..") {
          if (!cur.empty()) cur.pop_back();
        } else if (rest != ".") {
          cur.push_back(rest);
        }
      }
      break;
    }
    if (!S_ISLNK(st->st_mode)) continue;
    if (todo.empty() && !follow_final) break;
    auto target = fs.readlink(here);
    if (!target) {
      res.exists = false;
      break;
    }
    res.hops.push_back({here, *target});
    if (--budget == 0) {
      res.loop = true;
      res.exists = false;
      break;
    }
    cur.pop_back();
    if (!target->empty() && (*target)[0] == '/') cur.clear();
    auto parts = split(*target);
    todo.insert(todo.begin(), parts.begin(), parts.end());
  }
  res.path = join(cur);
  return res;
}

}  // namespace pare
