#include "common/interrupt.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "common/error.h"

namespace pare {

namespace {

volatile sig_atomic_t g_signal = 0;

void on_signal(int sig) { g_signal = sig; }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  // No SA_RESTART: a blocking wait (waitpid, poll, read) returns EINTR so the
  // loop around it sees the request at once.
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int interrupt_signal() { return g_signal; }

void clear_interrupt() { g_signal = 0; }

void throw_if_interrupted() {
  int sig = g_signal;
  if (sig) throw Interrupted(sig);
}

void stall_point(const char* phase) {
  const char* want = std::getenv("PARE_TEST_STALL");
  if (!want || std::strcmp(want, phase) != 0) return;
  if (const char* mark = std::getenv("PARE_TEST_STALL_MARK")) {
    int fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) close(fd);
  }
  for (int i = 0; i < 6000 && !g_signal; ++i) usleep(10000);
}

}  // namespace pare
