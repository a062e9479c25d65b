// Syscall numbers <-> names for the native architecture, from libseccomp's
// tables (the same names OCI/Docker seccomp profiles use; libseccomp knows
// every architecture, so an arm64 recorder only changes the arch constant).
#pragma once

#include <optional>
#include <string>

namespace pare {

// "openat" for 257 on x86_64; nullopt for a number the table does not know.
std::optional<std::string> syscall_name(int nr);
// 257 for "openat"; nullopt for a name the native architecture does not have.
std::optional<int> syscall_number(const std::string& name);
// The SCMP_ARCH_* name of the native architecture and its compat ones ("SCMP_ARCH_X86_64", ...).
const char* native_seccomp_arch();

}  // namespace pare
