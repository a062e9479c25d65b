#include "record/proc_tree.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace pare {

namespace {

struct ProcStat {
  char state = '?';
  pid_t ppid = -1;
};

// State and ppid from /proc/PID/stat; the comm field may hold spaces and ')'
// so parsing starts after the last ')'.
std::optional<ProcStat> read_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  ProcStat st;
  if (!(rest >> st.state >> st.ppid)) return std::nullopt;
  return st;
}

// Every numeric entry of /proc: the live process ids.
std::vector<pid_t> all_pids() {
  std::vector<pid_t> out;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      char* end;
      long pid = std::strtol(e->d_name, &end, 10);
      if (*end == '\0' && pid > 0) out.push_back(static_cast<pid_t>(pid));
    }
    closedir(d);
  }
  return out;
}

}  // namespace

bool process_exists(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

bool process_running(pid_t pid) {
  auto st = read_stat(pid);
  return st && st->state != 'Z' && st->state != 'X';
}

std::set<pid_t> process_tree(pid_t root) {
  std::multimap<pid_t, pid_t> children;
  for (pid_t pid : all_pids())
    if (auto st = read_stat(pid)) children.emplace(st->ppid, pid);
  std::set<pid_t> out;
  if (!process_exists(root)) return out;
  std::vector<pid_t> todo{root};
  while (!todo.empty()) {
    pid_t p = todo.back();
    todo.pop_back();
    if (!out.insert(p).second) continue;
    auto [a, b] = children.equal_range(p);
    for (auto it = a; it != b; ++it) todo.push_back(it->second);
  }
  return out;
}

uint32_t mount_namespace_of(pid_t pid) {
  struct stat st;
  if (stat(("/proc/" + std::to_string(pid) + "/ns/mnt").c_str(), &st) != 0) return 0;
  return static_cast<uint32_t>(st.st_ino);
}

std::set<pid_t> processes_in_mount_namespace(uint32_t inum) {
  std::set<pid_t> out;
  for (pid_t pid : all_pids())
    if (mount_namespace_of(pid) == inum) out.insert(pid);
  return out;
}

}  // namespace pare
