// Errors that end a command: one line for the user, and the exit code for it.
#pragma once

#include <stdexcept>
#include <string>

namespace pare {

// Exit codes, documented in README "Exit codes".
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,      // the work itself failed (tracing, writing output)
  kExitUsage = 2,        // bad command line
  kExitEnvironment = 3,  // not root, no BTF, probes refused: fix the machine
  kExitBadInput = 4,     // malformed manifest, unreadable rootfs
  kExitTarget = 5,       // the traced command could not be started
  kExitTraffic = 6,      // the app was not ready or its test traffic failed
  kExitVerify = 7,       // slim: the minimal image failed the traffic the full one passed
  kExitInterruptedBase = 128,  // + signal number: stopped by SIGINT (130) or SIGTERM (143)
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// SIGINT/SIGTERM asked the command to stop: exit 128 + signal (130, 143).
// Thrown at safe points (see common/interrupt.h); what() says what was interrupted.
class Interrupted : public Error {
 public:
  explicit Interrupted(int sig);
  int signal() const { return sig_; }

 private:
  int sig_;
};

// "what: strerror(errno)" for syscall failures.
std::string errno_message(const std::string& what, int err);

}  // namespace pare
