#include "audit/process_table.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace pare {

ProcessInfo* ProcessTable::find(uint32_t pid) {
  auto it = procs_.find(pid);
  if (it != procs_.end()) return &it->second;
  if (!lookup_) return nullptr;
  auto info = lookup_(pid);
  if (!info) return nullptr;
  return &(procs_[pid] = *info);
}

void ProcessTable::add(const Event& ev) {
  switch (ev.type) {
    case EventType::kFork: {
      if (ev.has(PARE_F_THREAD)) return;  // a thread shares its process's entry
      // A fork record carries the child (tgid) and its parent (ppid).
      ProcessInfo child;
      child.pid = ev.tgid;
      child.ppid = ev.ppid;
      if (auto* parent = find(ev.ppid)) {
        child.exe = parent->exe;
        child.comm = parent->comm;
      }
      if (child.comm.empty()) child.comm = ev.comm;
      procs_[child.pid] = child;
      return;
    }
    case EventType::kExec: {
      ProcessInfo* p = find(ev.tgid);
      ProcessInfo& info = p ? *p : procs_[ev.tgid];
      info.pid = ev.tgid;
      if (ev.path) info.exe = *ev.path;
      info.comm = ev.comm;
      return;
    }
    case EventType::kExit:
      procs_.erase(ev.tgid);
      return;
    default:
      if (auto* p = find(ev.tgid)) p->comm = ev.comm;
      return;
  }
}

std::vector<ProcessInfo> ProcessTable::chain(uint32_t pid, size_t max_depth) {
  std::vector<ProcessInfo> out;
  while (pid && out.size() < max_depth) {
    ProcessInfo* p = find(pid);
    if (!p) break;
    out.push_back(*p);
    if (p->ppid == pid) break;
    pid = p->ppid;
  }
  return out;
}

std::optional<ProcessInfo> proc_process_info(uint32_t pid) {
  std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream stat(dir + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return std::nullopt;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
  auto open = line.find('('), close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  ProcessInfo info;
  info.pid = pid;
  info.comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 1));
  std::string state;
  rest >> state >> info.ppid;
  char buf[4096];
  ssize_t n = readlink((dir + "/exe").c_str(), buf, sizeof buf);
  if (n > 0) info.exe.assign(buf, static_cast<size_t>(n));
  return info;
}

}  // namespace pare
