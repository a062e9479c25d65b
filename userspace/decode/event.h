// A decoded record: the BPF struct pare_event with its strings as std::string.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

extern "C" {
#include "pare_events.h"
}

namespace pare {

enum class EventType : uint8_t {
  kExec = PARE_EV_EXEC,
  kExecFail = PARE_EV_EXEC_FAIL,
  kOpen = PARE_EV_OPEN,
  kOpenFail = PARE_EV_OPEN_FAIL,
  kMmapExec = PARE_EV_MMAP_EXEC,
  kCheck = PARE_EV_CHECK,
  kCheckFail = PARE_EV_CHECK_FAIL,
  kFork = PARE_EV_FORK,
  kExit = PARE_EV_EXIT,
  kBlind = PARE_EV_BLIND,
  kList = PARE_EV_LIST,
};

// Stable names used in JSON (events, drop counters).
const char* event_type_name(uint32_t type);

struct Event {
  EventType type{};
  uint32_t flags = 0;
  uint64_t ts_ns = 0;
  uint32_t tgid = 0;
  uint32_t pid = 0;
  uint32_t ppid = 0;
  int32_t ret = 0;
  int32_t dirfd = 0;
  uint32_t syscall = 0;
  uint64_t aux = 0;
  uint64_t ino = 0;
  uint32_t dev = 0;
  uint32_t mntns = 0;  // the task's mount namespace (which container)
  std::string comm;
  std::optional<std::string> raw;     // PARE_S_RAW
  std::optional<std::string> path;    // PARE_S_PATH
  std::optional<std::string> base;    // PARE_S_BASE
  std::optional<std::string> interp;  // PARE_S_INTERP

  bool has(uint32_t flag) const { return (flags & flag) != 0; }
  // errno of a failed call, 0 on success. A malformed record may hold
  // INT32_MIN, whose negation overflows: computed in 64 bits and clamped.
  int err() const { return ret < 0 ? static_cast<int>(std::min<int64_t>(-static_cast<int64_t>(ret), INT32_MAX)) : 0; }
};

}  // namespace pare
