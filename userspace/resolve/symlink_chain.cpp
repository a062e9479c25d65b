#include "resolve/symlink_chain.h"

#include <sys/stat.h>

#include <algorithm>
#include <deque>
#include <forward_list>
#include <string_view>

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
  for_each_component(path, [&out](std::string_view c) { out.emplace_back(c); });
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
  // Called once per requested name of a recording (10^5 of them): the path is
  // built in place and components are views, copied only for link targets.
  Resolution res;
  std::string here;             // the physical path reached so far; "" is the root
  std::vector<size_t> lengths;  // here.size() before each component, for ".."
  auto step_in = [&](std::string_view c) {
    lengths.push_back(here.size());
    here += '/';
    here += c;
  };
  auto step_out = [&] {
    if (lengths.empty()) return;
    here.resize(lengths.back());
    lengths.pop_back();
  };
  // The components still to walk, the next one last; link targets are kept
  // alive in `targets` (a list never moves its elements, and costs nothing
  // while empty: most names cross no link).
  std::vector<std::string_view> todo;
  std::forward_list<std::string> targets;
  auto push_components = [&todo](std::string_view text) {
    size_t at = todo.size();
    for_each_component(text, [&todo](std::string_view c) { todo.push_back(c); });
    std::reverse(todo.begin() + static_cast<std::ptrdiff_t>(at), todo.end());
  };
  if (path.empty() || path[0] != '/') {
    push_components(base);  // a physical directory: only "." and ".." to fold
    for (auto it = todo.rbegin(); it != todo.rend(); ++it) {
      if (*it == ".") continue;
      if (*it == "..") step_out();
      else step_in(*it);
    }
    todo.clear();
  }
  push_components(path);
  int budget = kMaxSymlinks;
  res.exists = true;
  res.mode = S_IFDIR;  // the root, or the base directory

  while (!todo.empty()) {
    std::string_view c = todo.back();
    todo.pop_back();
    if (c == ".") continue;
    if (c == "..") {  // here has no symlinks left in it, so ".." is its parent
      step_out();
      res.mode = S_IFDIR;
      continue;
    }
    step_in(c);
    auto st = fs.lstat(here);
    if (!st) {
      // Missing: keep the rest lexically so the caller still gets a full name.
      res.exists = false;
      res.mode = 0;
      while (!todo.empty()) {
        std::string_view rest = todo.back();
        todo.pop_back();
        if (rest == "..") step_out();
        else if (rest != ".") step_in(rest);
      }
      break;
    }
    res.mode = st->st_mode;
    if (!S_ISLNK(st->st_mode)) continue;
    if (todo.empty() && !follow_final) break;
    auto target = fs.readlink(here);
    if (!target) {
      res.exists = false;
      res.mode = 0;
      break;
    }
    res.hops.push_back({here, *target});
    if (--budget == 0) {
      res.loop = true;
      res.exists = false;
      res.mode = 0;
      break;
    }
    step_out();
    if (!target->empty() && (*target)[0] == '/') {
      here.clear();
      lengths.clear();
    }
    targets.push_front(std::move(*target));
    push_components(targets.front());
  }
  res.path = here.empty() ? "/" : here;
  return res;
}

}  // namespace pare
