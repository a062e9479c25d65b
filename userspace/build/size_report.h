// Before/after sizes of a build and what was removed, for the report printed
// on stderr and written with --report FILE.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pare {

struct TreeSize {
  uint64_t files = 0;  // regular files, hard links once
  uint64_t bytes = 0;
  uint64_t entries = 0;  // everything, directories and links included
};

struct SizeReport {
  TreeSize before, after;
  std::vector<std::pair<std::string, uint64_t>> largest_kept;  // path, bytes
  struct Removed {
    std::string dir;
    uint64_t files = 0, bytes = 0;
  };
  std::vector<Removed> removed_by_dir;  // by bytes, largest first
  std::vector<std::string> not_in_source;
};

// Compares two rootfs directories on the host (no symlink is followed).
SizeReport compare_trees(const std::string& before_dir, const std::string& after_dir);
nlohmann::json report_to_json(const SizeReport& r);
std::string report_to_text(const SizeReport& r);
std::string human_bytes(uint64_t n);

}  // namespace pare
