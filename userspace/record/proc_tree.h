// The descendants of a running process, read from /proc, for `record --pid`.
#pragma once

#include <sys/types.h>

#include <set>

namespace pare {

// PID and all its live descendants (process ids, not threads).
std::set<pid_t> process_tree(pid_t root);
bool process_exists(pid_t pid);

}  // namespace pare
