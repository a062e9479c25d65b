// RFC 3339 UTC timestamps with milliseconds ("2026-11-29T14:00:00.123Z"):
// manifests' started_at/ended_at and audit findings' time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace pare {

std::string utc_text(std::chrono::system_clock::time_point t);
inline std::string utc_now() { return utc_text(std::chrono::system_clock::now()); }

// Wall-clock time of a BPF timestamp (bpf_ktime_get_ns: CLOCK_MONOTONIC ns).
std::chrono::system_clock::time_point wall_time_of_monotonic(uint64_t ns);

}  // namespace pare
