// What a recording saw, deduplicated, before anything is looked up on disk:
// objects the kernel resolved (by dentry walk) and names the task asked for
// (resolved later against the target's root, with their symlink chains).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "aggregate/kind_set.h"

namespace pare {

// First process that touched something: enough to explain "who needed this".
struct FirstSeen {
  uint32_t pid = 0;
  std::string comm;
};

struct Use {
  KindSet kinds;
  uint64_t count = 0;
  FirstSeen first;
};

// A requested name: RAW as passed, BASE the physical dir it is relative to.
struct NameKey {
  std::string raw;
  std::string base;  // "/" for absolute names
  bool follow_final = true;
  int err = 0;  // 0 when the call succeeded; errno otherwise
  // Base first: names are resolved in this order, and names relative to one
  // directory (tar, find) then walk the same directories one after another.
  auto tie() const { return std::tie(base, raw, follow_final, err); }
  bool operator<(const NameKey& o) const { return tie() < o.tie(); }
};

struct ProcessUse {
  uint64_t execs = 0;
  FirstSeen first;
  std::set<std::string> scripts;  // #! scripts that ran on this interpreter
};

struct Observations {
  std::map<std::string, Use> objects;   // kernel-resolved path -> use
  std::map<NameKey, Use> names;         // requested names -> use
  std::map<std::string, ProcessUse> processes;  // executed file -> execs
  std::map<std::string, Use> unbacked;  // memfd / deleted / outside-root objects: reported, never copied
  std::set<std::string> blind_spots;    // e.g. "io_uring (pid 12 comm x)"
  uint64_t records = 0;
  uint64_t decode_errors = 0;
  uint64_t truncated = 0;               // records with a walk or string cut short
  uint64_t forks = 0;
  uint64_t exits = 0;
};

}  // namespace pare
