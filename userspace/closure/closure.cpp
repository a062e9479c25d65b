#include "closure/closure.h"

#include <deque>

#include <spdlog/spdlog.h>

#include "closure/glob.h"
#include "closure/library_search.h"
#include "closure/rule_packs.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/name_encoding.h"
#include "common/path_limits.h"
#include "resolve/elf_info.h"
#include "resolve/symlink_chain.h"

namespace pare {

namespace {

// Whether a kept file is code that may run, so its ELF dependencies count:
// the trace saw it executed or mapped executable, or the trace did not see it
// at all (an --include, a rule pack, a library found by this closure, a
// hand-written entry). A file the run only read, wrote, listed or checked is
// data to the app (tar archiving /usr/lib, a checksum over a binary): its
// libraries are not needed to run the app again, and opening every one of
// 10^5 read files to look for ELF headers was most of a heavy closure's time.
bool may_run(const PathEntry& e) {
  if (e.kinds.empty()) return true;
  for (const char* k : {"exec", "interpreter", "mapped-exec", "elf-interp", "script"})
    if (e.kinds.count(k)) return true;
  return false;
}

class ClosureBuilder {
 public:
  ClosureBuilder(Manifest& m, const RootFs& fs) : m_(m), fs_(fs), libs_(fs) {}

  // Keeps PATH (as named) with every link on the way; returns the physical
  // path it reaches, or "" when it does not exist in the root.
  std::string keep(const std::string& path, const std::string& why) {
    Resolution res = resolve_in_root(fs_, path);
    if (!res.exists) return "";
    for (auto& hop : res.hops) {
      auto& e = m_.paths[hop.link];
      e.why.insert("symlink on the way to " + res.path);
      e.target = hop.target;
      e.type = "symlink";
    }
    auto& e = m_.paths[res.path];
    e.why.insert(why);
    if (e.type == "unknown" || e.type == "absent") e.type = fs_.type_of(res.path);
    // The name as asked for is a link itself (/etc/localtime): it is kept for the same reason.
    std::string named = lexical_normalize(path);
    if (named != res.path && m_.paths.count(named)) m_.paths[named].why.insert(why);
    return res.path;
  }

  // A path found by walking the root (no symlink on the way to resolve): kept as it is.
  void keep_physical(const std::string& path, const std::string& why) {
    auto& e = m_.paths[path];
    e.why.insert(why);
    if (e.type == "unknown" || e.type == "absent") e.type = fs_.type_of(path);
  }

  // ELF closure: every ELF that may run brings its loader and libraries.
  void elf_closure(ClosureStats& stats) {
    std::deque<std::string> todo;
    for (auto& [p, e] : m_.paths)
      if (e.type == "file" && !is_pseudo_path(p) && may_run(e)) todo.push_back(p);
    std::set<std::string> done;
    while (!todo.empty()) {
      throw_if_interrupted();
      std::string p = std::move(todo.front());
      todo.pop_front();
      if (!done.insert(p).second) continue;
      auto info = read_elf_info(fs_, p);
      if (!info) continue;
      if (info->interp) {
        std::string got = keep(*info->interp, "elf-interp of " + p);
        if (got.empty()) stats.unresolved.push_back(*info->interp + " (PT_INTERP of " + p + ")");
        else if (!done.count(got)) todo.push_back(got);
      }
      for (auto& soname : info->needed) {
        auto found = libs_.find(soname, *info, p);
        if (!found) {
          stats.unresolved.push_back(soname + " needed by " + p);
          continue;
        }
        size_t before = m_.paths.size();
        std::string got = keep(*found, "elf-dependency of " + p);
        stats.elf_dependencies += m_.paths.size() - before;
        if (!got.empty() && !done.count(got)) todo.push_back(got);
      }
    }
  }

  void parents(ClosureStats& stats) {
    std::set<std::string> dirs;
    for (auto& [p, e] : m_.paths) {
      std::string d = p;
      while (true) {
        size_t i = d.rfind('/');
        if (i == 0 || i == std::string::npos) break;
        d.resize(i);
        // Met before: so were all the directories above it (10^5 siblings cost one walk up).
        if (!dirs.insert(d).second) break;
      }
    }
    for (auto& d : dirs) {
      auto [it, added] = m_.paths.try_emplace(d);
      if (added) {
        ++stats.parent_dirs;
        it->second.type = fs_.type_of(d);
      }
      it->second.why.insert("parent directory");
    }
  }

 private:
  Manifest& m_;
  const RootFs& fs_;
  LibrarySearch libs_;
};

}  // namespace

bool is_pseudo_path(const std::string& p) {
  for (const char* prefix : {"/proc", "/sys", "/dev"})
    if (p == prefix || p.rfind(std::string(prefix) + "/", 0) == 0) return true;
  return false;
}

void validate_closure_options(const ClosureOptions& opts) {
  for (const auto* names : {&opts.disabled_rules, &opts.forced_rules})
    for (auto& name : *names) {
      bool known = false;
      for (auto& pack : rule_packs()) known |= pack.name == name;
      if (!known) throw Error(kExitUsage, "unknown rule pack '" + name + "' (see 'pare manifest --help')");
    }
  for (const auto* patterns : {&opts.includes, &opts.excludes, &opts.keep_listed, &opts.state_dirs})
    for (auto& pattern : *patterns)
      if (auto problem = path_problem(pattern))
        throw Error(kExitUsage, "glob '" + printable_name(pattern.substr(0, 200)) + "': " + *problem);
}

ClosureStats apply_closure(Manifest& m, const RootFs& fs, const ClosureOptions& opts) {
  validate_closure_options(opts);
  ClosureStats stats;
  ClosureBuilder b(m, fs);

  for (auto& pattern : opts.includes) {
    throw_if_interrupted();
    auto matches = glob_expand(fs, pattern);
    if (matches.empty()) spdlog::warn("--include {} matches nothing in {}", pattern, fs.root());
    for (auto& p : matches) {
      size_t before = m.paths.size();
      b.keep(p, "include " + pattern);
      stats.included += m.paths.size() - before;
    }
  }

  // State directories whole; the entries of listed directories the user named.
  std::vector<StateDir> declared;
  for (auto& d : opts.state_dirs) declared.push_back({d, "--state-dir"});
  bool state_rule = !opts.disabled_rules.count("state-dirs");
  if (state_rule) declared.insert(declared.end(), opts.volumes.begin(), opts.volumes.end());
  stats.state_dirs = find_state_dirs(m, fs, declared, state_rule, opts.created);
  for (auto& d : stats.state_dirs) {
    throw_if_interrupted();
    size_t before = m.paths.size();
    b.keep(d.dir, "state-dir: " + d.reason);
    for (auto& p : glob_expand(fs, d.dir + "/**")) b.keep_physical(p, "rule state-dirs (in " + d.dir + ")");
    stats.state_paths += m.paths.size() - before;
  }
  if (!opts.keep_listed.empty()) {
    std::vector<std::string> listed;
    for (auto& [p, e] : m.paths)
      if (e.kinds.count("listed") && !e.pseudo) listed.push_back(p);
    for (auto& dir : listed) {
      bool wanted = false;
      for (auto& g : opts.keep_listed) wanted = wanted || glob_match(g, dir);
      if (!wanted) continue;
      size_t before = m.paths.size();
      for (auto& name : fs.list_dir(dir)) b.keep_physical(dir == "/" ? "/" + name : dir + "/" + name, "listed directory " + dir);
      stats.listed_entries += m.paths.size() - before;
    }
  }

  for (auto& pack : rule_packs()) {
    throw_if_interrupted();
    if (opts.disabled_rules.count(pack.name)) continue;
    for (auto& pattern : rule_pack_paths(pack.name, m, fs, opts.forced_rules.count(pack.name) > 0)) {
      std::vector<std::string> matches =
          pattern.find_first_of("*?[") == std::string::npos ? std::vector<std::string>{pattern} : glob_expand(fs, pattern);
      for (auto& p : matches) {
        size_t before = m.paths.size();
        b.keep(p, "rule " + pack.name);
        stats.rule_paths += m.paths.size() - before;
      }
    }
  }

  b.elf_closure(stats);

  for (auto& pattern : opts.excludes) {
    for (auto it = m.paths.begin(); it != m.paths.end();) {
      if (glob_match(pattern, it->first)) {
        it = m.paths.erase(it);
        ++stats.excluded;
      } else {
        ++it;
      }
    }
  }

  b.parents(stats);
  for (auto& [p, e] : m.paths) e.pseudo = is_pseudo_path(p);
  for (auto& u : stats.unresolved) spdlog::warn("closure: cannot find {}", u);
  return stats;
}

}  // namespace pare
