// A waitpid() status as one number, the shell's way: the exit code, or 128+N
// when killed by signal N.
#pragma once

#include <sys/wait.h>

namespace pare {

inline int exit_code_of(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

}  // namespace pare
