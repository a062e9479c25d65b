// The agent's output: one manifest per image in DIR, `DIR/sha256-<hex>.json`,
// each the union (manifest/merge.h: commutative, associative, idempotent) of
// every recording of a container of that image: restarts, replicas, and the
// periodic flushes of a container still running (a flush is a subset of the
// next one, so merging it again changes nothing but what is new).
//
// A merge reads the file, unites, and writes the result through OutputFile
// (a temporary beside it, renamed over it when whole): a crash or SIGKILL at
// any point leaves the previous version. DIR is locked (flock) for the
// agent's lifetime, so two agents never interleave read-merge-write on it;
// temporaries a killed agent left behind are removed when the next one starts.
#pragma once

#include <string>

#include "manifest/manifest.h"

namespace pare {

class ManifestStore {
 public:
  // Creates DIR when missing (its parent must exist). Throws Error(kExitUsage)
  // for a DIR that is not a writable directory or is locked by another agent.
  explicit ManifestStore(const std::string& dir);
  ~ManifestStore();
  ManifestStore(const ManifestStore&) = delete;
  ManifestStore& operator=(const ManifestStore&) = delete;

  const std::string& dir() const { return dir_; }
  // DIR/sha256-<hex>.json; Error(kExitFailure) unless DIGEST_HEX is 64 lowercase hex digits.
  std::string path_for(const std::string& digest_hex) const;
  // Unites M into the image's manifest. A file there that is not a readable
  // manifest is moved aside (NAME.unreadable-<unix time>, with a warning),
  // never merged into or lost. Throws Error on a failed write.
  void merge(const std::string& digest_hex, Manifest m);

 private:
  std::string dir_;
  int lock_fd_ = -1;
};

}  // namespace pare
