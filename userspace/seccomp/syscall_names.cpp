#include "seccomp/syscall_names.h"

#include <seccomp.h>

#include <cstdlib>

namespace pare {

namespace {

#if defined(__x86_64__)
constexpr uint32_t kArch = SCMP_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kArch = SCMP_ARCH_AARCH64;
#else
#error "pare: add the seccomp architecture of this platform"
#endif

}  // namespace

std::optional<std::string> syscall_name(int nr) {
  char* name = seccomp_syscall_resolve_num_arch(kArch, nr);
  if (!name) return std::nullopt;
  std::string out = name;
  std::free(name);
  return out;
}

std::optional<int> syscall_number(const std::string& name) {
  int nr = seccomp_syscall_resolve_name_arch(kArch, name.c_str());
  if (nr == __NR_SCMP_ERROR || nr < 0) return std::nullopt;
  return nr;
}

const char* native_seccomp_arch() {
#if defined(__x86_64__)
  return "SCMP_ARCH_X86_64";
#else
  return "SCMP_ARCH_AARCH64";
#endif
}

}  // namespace pare
