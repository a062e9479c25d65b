// Starts a command stopped at the door: forked, waiting on a pipe, so the
// probes can be attached and its pid put in scope before its first exec.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace pare {

class HeldChild {
 public:
  // Resolves argv[0] through PATH first: a missing command fails here, before tracing.
  explicit HeldChild(const std::vector<std::string>& argv);
  ~HeldChild();
  HeldChild(const HeldChild&) = delete;
  HeldChild& operator=(const HeldChild&) = delete;

  pid_t pid() const { return pid_; }
  // Let it exec. Throws Error(kExitTarget) if the exec failed.
  void release();

 private:
  pid_t pid_ = -1;
  int go_fd_ = -1;      // parent writes one byte: "exec now"
  int status_fd_ = -1;  // child reports an exec errno; EOF (CLOEXEC) means exec worked
  std::string path_;
  bool released_ = false;
};

// Resolves NAME like execvp would; throws Error(kExitTarget) when not found.
std::string find_executable(const std::string& name);

}  // namespace pare
