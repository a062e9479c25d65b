// Processes as /proc shows them, for `record --pid`: a process's descendants,
// whether it still runs, and the processes sharing a mount namespace.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <set>

namespace pare {

// PID and all its live descendants (process ids, not threads).
std::set<pid_t> process_tree(pid_t root);
bool process_exists(pid_t pid);
// Exists and is not a zombie.
bool process_running(pid_t pid);

// Inode number of PID's mount namespace (0 when unreadable).
uint32_t mount_namespace_of(pid_t pid);
// Every process whose mount namespace is INUM.
std::set<pid_t> processes_in_mount_namespace(uint32_t inum);

}  // namespace pare
