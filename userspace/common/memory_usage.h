// The process's own memory, for -vv phase lines ("how much did the closure
// take?") and for finding where a heavy recording spends it.
#pragma once

#include <string>

namespace pare {

// "rss 41.2 MiB (peak 57.0 MiB)" from /proc/self/status; "" when unreadable.
std::string memory_usage();

}  // namespace pare
