// Who did it: the live processes in scope with their executable and parent,
// kept from fork/exec/exit records so a finding names the program and its
// parent chain. Only live processes are held (flat memory over hours);
// a process seen first in a record (already running when pare attached)
// is looked up once through LOOKUP (/proc in production, fakes in tests).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "decode/event.h"

namespace pare {

struct ProcessInfo {
  uint32_t pid = 0;
  uint32_t ppid = 0;  // 0: unknown or outside the scope
  std::string comm;
  std::string exe;    // "" when unknown
};

class ProcessTable {
 public:
  using Lookup = std::function<std::optional<ProcessInfo>(uint32_t pid)>;
  explicit ProcessTable(Lookup lookup = {}) : lookup_(std::move(lookup)) {}

  // Fork, exec and exit records change the table; every record refreshes comm.
  void add(const Event& ev);
  // The process and its ancestors in scope, nearest first (at most MAX_DEPTH).
  std::vector<ProcessInfo> chain(uint32_t pid, size_t max_depth = 16);
  size_t size() const { return procs_.size(); }

 private:
  ProcessInfo* find(uint32_t pid);
  std::unordered_map<uint32_t, ProcessInfo> procs_;
  Lookup lookup_;
};

// /proc/PID/{stat,exe} as seen from pare (exe is the host's view of the path).
std::optional<ProcessInfo> proc_process_info(uint32_t pid);

}  // namespace pare
