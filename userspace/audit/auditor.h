// The audit's core: each decoded record is checked against the manifest's
// allowlist as it arrives and then forgotten; only findings are kept, once
// per (kind, path) unless every hit is wanted. Pure apart from resolving
// the names of failed lookups inside the target's root.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "audit/allowlist.h"
#include "audit/process_table.h"
#include "decode/event.h"
#include "resolve/root_fs.h"

namespace pare {

struct Finding {
  std::string kind;     // exec, read, write, create, library, listed, checked, syscall, io_uring
  std::string path;     // as the target sees it ("" for syscall and io_uring)
  int err = 0;          // errno of a failed lookup the manifest never saw fail
  std::string syscall;  // kind syscall: its name
  uint64_t ts_ns = 0;   // CLOCK_MONOTONIC (0 for syscalls: the bitmap has no time)
  uint32_t pid = 0;
  std::string comm;
  std::vector<ProcessInfo> chain;  // the process, then its parents in scope
};

struct AuditStats {
  uint64_t records = 0;
  uint64_t decode_errors = 0;
  uint64_t unplaceable = 0;          // a path cut short, or relative with no known base
  uint64_t untracked = 0;            // findings past the dedup table's bound (may repeat)
  std::map<std::string, uint64_t> findings_by_kind;  // unique findings
  std::set<std::string> blind_spots;
};

struct AuditOptions {
  bool all = false;              // --all: a line for every hit, not the first only
  size_t max_tracked = 1 << 17;  // bound on remembered (kind, path) keys: flat memory
};

class Auditor {
 public:
  Auditor(const Manifest& m, const RootFs& root, AuditOptions opts, ProcessTable::Lookup lookup = {});

  // Checks one record; the findings to report now are appended to OUT.
  void add(const Event& ev, std::vector<Finding>& out);
  void add_decode_error() { ++stats_.decode_errors; }
  // The scope's syscall set so far (names): new names outside the manifest's set are findings.
  void add_syscalls(const std::set<std::string>& names, std::vector<Finding>& out);

  const AuditStats& stats() const { return stats_; }
  const Allowlist& allowlist() const { return allow_; }
  // The most-hit findings, most first: (kind, path or syscall, hits).
  std::vector<std::tuple<std::string, std::string, uint64_t>> top(size_t n) const;
  size_t tracked() const { return hits_.size(); }
  size_t processes() const { return procs_.size(); }

 private:
  void check(const Event& ev, const std::string& kind, const std::string& path, int err, std::vector<Finding>& out);
  void report(Finding f, std::vector<Finding>& out);
  bool resolve_name(const Event& ev, const std::string& raw, bool follow, std::string& path);

  Allowlist allow_;
  const RootFs& root_;
  AuditOptions opts_;
  ProcessTable procs_;
  std::unordered_map<std::string, uint64_t> hits_;  // kind '\n' path -> hits
  std::set<std::string> syscalls_seen_;
  AuditStats stats_;
};

}  // namespace pare
