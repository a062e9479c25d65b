// The part of the build/slim report that explains the manifest's judgement
// calls: state directories kept whole (with their size), and directories the
// app listed (getdents) whose entries were not all kept, so a user sees where
// an --include or --keep-listed may be needed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "manifest/manifest.h"
#include "resolve/root_fs.h"

namespace pare {

struct UsageReport {
  struct StateDir {
    std::string dir, reason;
    uint64_t files = 0, bytes = 0;
  };
  struct ListedDir {
    std::string dir;
    size_t kept = 0, total = 0;
  };
  std::vector<StateDir> state_dirs;
  std::vector<ListedDir> listed_partly_kept;
  size_t created_skipped = 0;  // paths the run created: in the manifest, not in the image
};

// M's state dirs and listed dirs against the SOURCE root and the built OUT_ROOTFS directory.
UsageReport usage_report(const Manifest& m, const RootFs& source, const std::string& out_rootfs);
void add_usage_to_json(nlohmann::json& report, const UsageReport& u);
std::string usage_to_text(const UsageReport& u);

}  // namespace pare
