#include "seccomp/profile.h"

#include <set>

#include "common/error.h"
#include "common/output_file.h"
#include "seccomp/syscall_names.h"

namespace pare {

const std::vector<std::string>& runtime_base_syscalls() {
  // runc's init is a Go program: after seccomp is installed it may still
  // switch user and capabilities, wait on the exec fifo, run Go runtime
  // housekeeping (threads, signals, futexes), check that the binary is
  // executable (faccessat2, with faccessat as its fallback), then execve the app.
  static const std::vector<std::string> base = {
      "access",     "faccessat",  "faccessat2",  "getuid",         "geteuid",       "getgid",      "getegid",
      "setresuid",  "setresgid",  "statx",       "readlinkat",     "getcwd",        "dup3",        "pipe2",
      "arch_prctl", "brk",        "capget",      "capset",         "chdir",         "clone",       "clone3",
      "close",      "close_range", "epoll_ctl",  "epoll_pwait",    "execve",        "exit",        "exit_group",
      "fchdir",     "fcntl",      "fstat",       "fstatfs",        "futex",         "getdents64",  "getpid",
      "getppid",    "gettid",     "madvise",     "mmap",           "mprotect",      "munmap",      "nanosleep",
      "newfstatat", "openat",     "prctl",       "read",           "rt_sigaction",  "rt_sigprocmask",
      "rt_sigreturn", "sched_getaffinity", "sched_yield", "setgid", "setgroups",    "setuid",      "sigaltstack",
      "tgkill",     "write",
  };
  return base;
}

nlohmann::json seccomp_profile(const Manifest& m, bool with_base, const std::string& source) {
  if (!m.syscalls)
    throw Error(kExitBadInput, "manifest " + source + " has no syscall set (recorded by a pare before 0.2); record it again");
  std::set<std::string> allow(m.syscalls->begin(), m.syscalls->end());
  if (with_base) allow.insert(runtime_base_syscalls().begin(), runtime_base_syscalls().end());
  for (auto& name : allow)
    if (!syscall_number(name))
      throw Error(kExitBadInput, "manifest " + source + ": syscalls: unknown syscall '" + name.substr(0, 64) +
                                     "' for " + native_seccomp_arch());
  nlohmann::json archs = nlohmann::json::array({native_seccomp_arch()});
  bool compat = false;
  for (auto& b : m.blind_spots) compat = compat || b.rfind("ia32", 0) == 0;
  if (compat && std::string(native_seccomp_arch()) == "SCMP_ARCH_X86_64") {
    archs.push_back("SCMP_ARCH_X86");
    archs.push_back("SCMP_ARCH_X32");
  }
  nlohmann::json notes = nlohmann::json::array();
  if (allow.count("io_uring_setup") || allow.count("io_uring_enter"))
    notes.push_back("io_uring is allowed: file opens submitted through io_uring bypass syscall tracing and this profile");
  if (compat) notes.push_back("32-bit syscalls were seen but not decoded: their numbers are not in this allowlist");
  if (!m.complete) notes.push_back("the recording was incomplete: some syscalls may be missing");
  nlohmann::json profile = {
      {"defaultAction", "SCMP_ACT_ERRNO"},
      {"defaultErrnoRet", 1},  // EPERM
      {"architectures", archs},
      {"syscalls", nlohmann::json::array({{{"names", std::vector<std::string>(allow.begin(), allow.end())},
                                           {"action", "SCMP_ACT_ALLOW"}}})},
  };
  // Engines ignore unknown keys: the notes travel with the profile.
  if (!notes.empty()) profile["x-pare-notes"] = notes;
  return profile;
}

int run_seccomp(const std::string& manifest_path, const std::string& output, bool with_base) {
  OutputPlan plan = plan_output(output, "-o");
  check_outputs({plan}, {manifest_path});
  Manifest m = read_manifest_file(manifest_path);
  write_output(output, seccomp_profile(m, with_base, manifest_path).dump(2) + "\n");
  return kExitOk;
}

}  // namespace pare
