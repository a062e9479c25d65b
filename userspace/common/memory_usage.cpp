#include "common/memory_usage.h"

#include <cstdio>
#include <fstream>
#include <string>

namespace pare {

std::string memory_usage() {
  std::ifstream status("/proc/self/status");
  std::string line;
  long rss_kb = -1, peak_kb = -1;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss_kb = std::stol(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) peak_kb = std::stol(line.substr(6));
  }
  if (rss_kb < 0 || peak_kb < 0) return "";
  char text[64];
  std::snprintf(text, sizeof text, "rss %.1f MiB (peak %.1f MiB)", rss_kb / 1024.0, peak_kb / 1024.0);
  return text;
}

}  // namespace pare
