// Before/after sizes of a build and what was removed, for the report printed
// on stderr and written with --report FILE.
//
// Scans are bounded by what they are for. The "after" tree is the minimal
// rootfs just built: always scanned. The "before" tree is scanned only when
// the caller asks: `pare build` measures an unpacked image (its own scratch
// copy) but not a directory source unless --measure-source, because that
// directory may be a live `/` of 400 000 files, and a 32-file build must cost
// about its copy, not a walk of the host. Unmeasured, the report says
// "before: not measured (why)" and the JSON has "before": null with
// "before_not_measured": why (ratio and removed_by_dir null too).
//
// The "after" side is not a walk: the copy counts what it makes
// (CopyResult), 10^5 files' worth of stat calls saved on a big build.
// The walks themselves: resolve/tree_scan.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/human_bytes.h"
#include "resolve/tree_scan.h"

namespace pare {

struct CopyResult;

struct SizeReport {
  TreeSize before, after;
  bool before_measured = true;
  std::string before_not_measured;  // why not, when !before_measured
  std::vector<std::pair<std::string, uint64_t>> largest_kept;  // path, bytes
  struct Removed {
    std::string dir;
    uint64_t files = 0, bytes = 0;
  };
  std::vector<Removed> removed_by_dir;  // by bytes, largest first
  std::vector<std::string> not_in_source;
  uint64_t vanished = 0;  // source entries that disappeared while copying or scanning
};

struct ReportOptions {
  bool measure_before = true;
  std::string not_measured_reason;  // shown when !measure_before
};

// The report of a copy: the "after" side is what COPIED says was made (no
// walk of the output), with what the copy found (manifest paths not in the
// source, vanished entries). BEFORE_DIR, the source on the host, is walked
// (no symlink followed) only when OPTS.measure_before.
SizeReport size_report(const std::string& before_dir, const CopyResult& copied, const ReportOptions& opts = {});
nlohmann::json report_to_json(const SizeReport& r);
std::string report_to_text(const SizeReport& r);

}  // namespace pare
