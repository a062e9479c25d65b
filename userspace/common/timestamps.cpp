#include "common/timestamps.h"

#include <time.h>

#include <cstdio>
#include <ctime>

namespace pare {

std::string utc_text(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  if (ms < 0) ms += 1000;
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

std::chrono::system_clock::time_point wall_time_of_monotonic(uint64_t ns) {
  struct timespec mono;
  clock_gettime(CLOCK_MONOTONIC, &mono);
  int64_t now_ns = static_cast<int64_t>(mono.tv_sec) * 1000000000 + mono.tv_nsec;
  auto age = std::chrono::nanoseconds(now_ns - static_cast<int64_t>(ns));
  return std::chrono::system_clock::now() - std::chrono::duration_cast<std::chrono::system_clock::duration>(age);
}

}  // namespace pare
