// What a manifest allows, asked one access at a time: the audit's verdict.
// Pure (no filesystem, no kernel), so unit tests ask it directly.
//
//   read, checked, listed, library  the path is in the manifest (any use), or
//                                   matches a glob the manifest kept from --include,
//                                   or lies inside a state directory;
//   exec                            the manifest saw it executed (processes, or
//                                   exec/interpreter/script uses), or a kept glob;
//   write, create                   the manifest saw that very use of the path
//                                   (or it was created by the run), or it lies
//                                   inside a state directory;
//   a failed lookup                 the manifest saw the path fail too (missing),
//                                   or holds it (an EACCES on a kept file).
//
// /proc/<pid>/ and /proc/<pid>/task/<tid>/ are compared with the numbers
// taken out: the pids of a recording never come back.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "manifest/manifest.h"

namespace pare {

class Allowlist {
 public:
  explicit Allowlist(const Manifest& m);

  // KIND: exec, read, write, create, library, listed, checked. ERR: 0 for a
  // call that succeeded, else its errno. True when the manifest allows it.
  bool allows(const std::string& kind, const std::string& path, int err = 0) const;
  // Syscall names; every name is allowed when the manifest has no syscall set.
  bool allows_syscall(const std::string& name) const;
  bool has_syscalls() const { return syscalls_.has_value(); }
  // The manifest recorded io_uring use (a blind spot it knew of).
  bool knew_io_uring() const { return knew_io_uring_; }

  const std::vector<std::string>& globs() const { return globs_; }
  const std::vector<std::string>& state_dirs() const { return state_dirs_; }

 private:
  bool kept_by_glob(const std::string& path) const;
  bool inside_state_dir(const std::string& path) const;

  std::map<std::string, std::set<std::string>> uses_;  // normalized path -> kinds (+ "created", "executed")
  std::set<std::string> missing_;
  std::vector<std::string> globs_;
  std::vector<std::string> state_dirs_;
  std::optional<std::set<std::string>> syscalls_;
  bool knew_io_uring_ = false;
};

// "/proc/1234/task/1235/stat" -> "/proc/<pid>/task/<tid>/stat"; other paths unchanged.
std::string normalize_proc_path(const std::string& path);

}  // namespace pare
