#include "closure/state_dirs.h"

#include <sys/stat.h>

#include <set>

#include <spdlog/spdlog.h>

#include "resolve/symlink_chain.h"

namespace pare {

namespace {

// Keeping one of these whole would undo minimality for one written file.
const std::set<std::string> kSystemDirs = {
    "/",         "/bin",      "/boot",    "/dev",      "/etc",      "/home",     "/lib",     "/lib32",
    "/lib64",    "/libx32",   "/media",   "/mnt",      "/opt",      "/proc",     "/root",    "/run",
    "/sbin",     "/srv",      "/sys",     "/tmp",      "/usr",      "/usr/bin",  "/usr/lib", "/usr/lib64",
    "/usr/local", "/usr/sbin", "/usr/share", "/var",    "/var/lib",  "/var/cache", "/var/log", "/var/tmp",
    "/var/spool", "/var/run", "/var/lock", "/var/opt", "/var/mail", "/var/local"};

bool inside(const std::string& path, const std::string& dir) {
  return dir == "/" || path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

}  // namespace

std::vector<StateDir> find_state_dirs(const Manifest& m, const RootFs& fs, const std::vector<StateDir>& declared,
                                      bool heuristic, const std::function<bool(const std::string&)>& created) {
  std::vector<StateDir> found;
  for (auto& d : declared) {
    Resolution r = resolve_in_root(fs, d.dir);
    auto st = r.exists ? fs.lstat(r.path) : std::nullopt;
    if (!st || !S_ISDIR(st->st_mode)) {
      spdlog::warn("state directory {} ({}) is not a directory in {}", d.dir, d.reason, fs.root());
      continue;
    }
    found.push_back({r.path, d.reason});
  }
  if (heuristic) {
    for (auto& [path, e] : m.paths) {
      if (e.pseudo || e.type != "file" || !e.kinds.count("read") || !e.kinds.count("write")) continue;
      if (e.created || (created && created(path))) continue;
      auto st = fs.lstat(path);
      if (!st || !S_ISREG(st->st_mode)) continue;
      std::string top = parent_path(path);
      std::string reason = "a file in it was read and written by the app (" + path + ")";
      if (st->st_uid != 0) {
        // The app's own user owns its data tree: climb while the parent is still theirs.
        while (top != "/") {
          auto up = fs.lstat(parent_path(top));
          if (!up || up->st_uid != st->st_uid || kSystemDirs.count(parent_path(top))) break;
          top = parent_path(top);
        }
        reason += ", owner uid " + std::to_string(st->st_uid);
      }
      if (kSystemDirs.count(top)) {
        spdlog::debug("state-dirs: {} is a system directory; keeping only {}", top, path);
        continue;
      }
      found.push_back({top, reason});
    }
  }
  // Outermost first; a directory inside one already kept adds nothing.
  std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.dir < b.dir; });
  std::vector<StateDir> out;
  for (auto& d : found)
    if (out.empty() || !inside(d.dir, out.back().dir)) out.push_back(d);
  return out;
}

}  // namespace pare
