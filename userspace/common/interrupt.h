// Ctrl-C and SIGTERM end any phase of any command cleanly. The handler only
// records the signal; long loops (copying, unpacking, closure, scans) call
// throw_if_interrupted() at safe points, and the exception unwinds through
// the destructors that remove scratch directories and temporary files. The
// recorder polls interrupt_signal() instead: an interrupted recording stops
// its target and keeps what it saw.
#pragma once

#include <csignal>

namespace pare {

// Installs the SIGINT/SIGTERM handlers for the whole process (called once by main).
void install_interrupt_handlers();

// The signal that asked us to stop (SIGINT, SIGTERM), or 0.
int interrupt_signal();

// Forgets a recorded signal (tests; a recording that consumed it).
void clear_interrupt();

// Throws Interrupted (exit code 128 + signal) when a stop was requested.
void throw_if_interrupted();

// Test hook, inert unless the environment asks for it: when PARE_TEST_STALL
// names PHASE, pare creates the file named by PARE_TEST_STALL_MARK and waits
// there (at most 60 s) for SIGINT/SIGTERM, so a test can interrupt each phase
// deterministically instead of racing a timer.
void stall_point(const char* phase);

}  // namespace pare
