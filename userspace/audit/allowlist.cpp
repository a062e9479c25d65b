#include "audit/allowlist.h"

#include <cerrno>
#include <cctype>

#include "closure/glob.h"

namespace pare {

namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!std::isdigit(c)) return false;
  return true;
}

bool inside(const std::string& path, const std::string& dir) {
  return dir == "/" || path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                                       path[dir.size()] == '/');
}

// The closure's reasons (closure.cpp): "include GLOB" and "state-dir: REASON".
constexpr const char kIncludeWhy[] = "include ";
constexpr const char kStateDirWhy[] = "state-dir: ";

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

std::string normalize_proc_path(const std::string& path) {
  if (path.rfind("/proc/", 0) != 0) return path;
  // Split once; only the components right after /proc and after task are pids.
  std::vector<std::string> parts;
  size_t at = 1;
  while (at <= path.size()) {
    size_t slash = path.find('/', at);
    if (slash == std::string::npos) slash = path.size();
    parts.push_back(path.substr(at, slash - at));
    at = slash + 1;
  }
  if (parts.size() >= 2 && all_digits(parts[1])) {
    parts[1] = "<pid>";
    if (parts.size() >= 4 && parts[2] == "task" && all_digits(parts[3])) parts[3] = "<tid>";
  }
  std::string out;
  for (auto& p : parts) out += "/" + p;
  return out;
}

Allowlist::Allowlist(const Manifest& m) {
  for (auto& [path, e] : m.paths) {
    auto& kinds = uses_[normalize_proc_path(path)];
    kinds.insert(e.kinds.begin(), e.kinds.end());
    kinds.insert("kept");
    if (e.created) kinds.insert("created");
    for (auto& why : e.why) {
      if (starts_with(why, kIncludeWhy)) globs_.push_back(why.substr(sizeof kIncludeWhy - 1));
      if (starts_with(why, kStateDirWhy) && e.type == "dir") state_dirs_.push_back(path);
    }
  }
  for (auto& [path, p] : m.processes) uses_[normalize_proc_path(path)].insert("executed");
  for (auto& [path, e] : m.missing) missing_.insert(normalize_proc_path(path));
  syscalls_ = m.syscalls;
  for (auto& b : m.blind_spots) knew_io_uring_ |= b.rfind("io_uring", 0) == 0;
}

bool Allowlist::kept_by_glob(const std::string& path) const {
  for (auto& g : globs_)
    if (glob_match(g, path)) return true;
  return false;
}

bool Allowlist::inside_state_dir(const std::string& path) const {
  for (auto& d : state_dirs_)
    if (inside(path, d)) return true;
  return false;
}

bool Allowlist::allows(const std::string& kind, const std::string& raw_path, int err) const {
  std::string path = normalize_proc_path(raw_path);
  auto it = uses_.find(path);
  const std::set<std::string>* uses = it == uses_.end() ? nullptr : &it->second;
  if (err != 0) {
    if (missing_.count(path) || inside_state_dir(path) || kept_by_glob(path)) return true;
    // A kept path refused for another reason (EACCES, EEXIST...) was seen so too.
    return uses && err != ENOENT && err != ENOTDIR;
  }
  if (kind == "exec") {
    if (kept_by_glob(path)) return true;
    return uses && (uses->count("executed") || uses->count("exec") || uses->count("interpreter") ||
                    uses->count("script"));
  }
  if (kind == "write" || kind == "create") {
    if (inside_state_dir(path)) return true;
    return uses && (uses->count(kind) || uses->count("created"));
  }
  // read, checked, listed, library: the path is part of the image.
  return uses || kept_by_glob(path) || inside_state_dir(path);
}

bool Allowlist::allows_syscall(const std::string& name) const { return !syscalls_ || syscalls_->count(name); }

}  // namespace pare
