#include "common/error.h"

#include <csignal>
#include <cstring>

namespace pare {

Interrupted::Interrupted(int sig)
    : Error(static_cast<ExitCode>(kExitInterruptedBase + sig),
            std::string("interrupted by ") + (sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal")),
      sig_(sig) {}

std::string errno_message(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

}  // namespace pare
