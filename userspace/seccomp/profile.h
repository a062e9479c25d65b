// `pare seccomp`: the manifest's syscall set as an OCI / Docker seccomp
// profile. Everything not listed fails with EPERM (defaultAction
// SCMP_ACT_ERRNO, defaultErrnoRet 1); one rule allows the recorded syscalls
// plus, unless --no-base, what the runtime itself calls between installing
// the filter and exec'ing the app (the recording starts at that exec, so it
// never sees them). The architectures are the native one, and its compat
// ones only when the recording saw 32-bit syscalls.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "manifest/manifest.h"

namespace pare {

// What runc (and crun) call after loading the filter: the tail of container
// setup (capabilities, user switch, the exec fifo) and the final execve.
const std::vector<std::string>& runtime_base_syscalls();

// Throws Error(kExitBadInput) when M has no syscall set or names a syscall the
// native architecture does not have; SOURCE names M in messages.
nlohmann::json seccomp_profile(const Manifest& m, bool with_base, const std::string& source);

// pare seccomp M [-o PROFILE] [--no-base]
int run_seccomp(const std::string& manifest_path, const std::string& output, bool with_base);

}  // namespace pare
