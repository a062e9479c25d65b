#include "record/proc_tree.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace pare {

namespace {

// ppid from /proc/PID/stat; the comm field may hold spaces and ')' so parse from the last ')'.
pid_t parent_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return -1;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(line.substr(close + 1));
  char state;
  pid_t ppid;
  if (!(rest >> state >> ppid)) return -1;
  return ppid;
}

}  // namespace

bool process_exists(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

bool process_running(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z' && line[close + 2] != 'X';
}

std::set<pid_t> process_tree(pid_t root) {
  std::multimap<pid_t, pid_t> children;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      char* end;
      long pid = std::strtol(e->d_name, &end, 10);
      if (*end != '\0' || pid <= 0) continue;
      pid_t pp = parent_of(static_cast<pid_t>(pid));
      if (pp >= 0) children.emplace(pp, static_cast<pid_t>(pid));
    }
    closedir(d);
  }
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

}  // namespace pare

namespace pare {

uint32_t mount_namespace_of(pid_t pid) {
  struct stat st;
  if (stat(("/proc/" + std::to_string(pid) + "/ns/mnt").c_str(), &st) != 0) return 0;
  return static_cast<uint32_t>(st.st_ino);
}

std::set<pid_t> processes_in_mount_namespace(uint32_t inum) {
  std::set<pid_t> out;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      char* end;
      long pid = std::strtol(e->d_name, &end, 10);
      if (*end != '\0' || pid <= 0) continue;
      if (mount_namespace_of(static_cast<pid_t>(pid)) == inum) out.insert(static_cast<pid_t>(pid));
    }
    closedir(d);
  }
  return out;
}

}  // namespace pare
