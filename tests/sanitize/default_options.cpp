// Sanitizer runtime options for the -DPARE_SANITIZE=ON build (cmake/Sanitizers.cmake
// compiles this file into every program linking pare_core). They are compiled
// in rather than read from ASAN_OPTIONS because the tests run pare with a
// scrubbed environment (tests/support/run_pare.cpp); an ASAN_OPTIONS or
// UBSAN_OPTIONS variable, when set, still overrides them.
//
//  - exitcode=86: not one of pare's own exit codes (README "Exit codes"), so a
//    test expecting pare to fail with 1 cannot pass over a sanitizer report;
//  - log_path: every report (from pare, a test binary, or a child process
//    whose exit status nobody checks) lands in PARE_SANITIZER_LOG_DIR, which
//    tools/test --sanitize prints and fails on after ctest;
//  - detect_leaks=1: LeakSanitizer at every exit; init-order and
//    stack-use-after-return checks on; UBSan prints a stack and stops.
//
// With GCC, UBSan is a runtime of its own (libubsan.so) beside libasan.so,
// each with its own copy of the report-file state, and in that pairing
// libubsan never applies log_path (neither ours nor one from UBSAN_OPTIONS):
// its reports went to stderr, where a process nobody checks would lose them.
// A constructor therefore points libubsan's own report path at the log dir.
// With clang (one runtime for both) libubsan.so is not loaded and the
// constructor does nothing.
#ifndef PARE_SANITIZER_LOG_DIR
#error "PARE_SANITIZER_LOG_DIR must name the report directory"
#endif

#include <dlfcn.h>

#include <cstdlib>
#include <string>

#define PARE_SANITIZER_EXPORT extern "C" __attribute__((visibility("default"), used))

PARE_SANITIZER_EXPORT const char* __asan_default_options() {
  return "detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:"
         "strict_string_checks=1:exitcode=86:log_path=" PARE_SANITIZER_LOG_DIR "/asan";
}

PARE_SANITIZER_EXPORT const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=" PARE_SANITIZER_LOG_DIR "/ubsan";
}

namespace {

// log_path from UBSAN_OPTIONS when given there, else ours.
std::string ubsan_log_path() {
  const char* env = std::getenv("UBSAN_OPTIONS");
  std::string options = env ? env : "";
  for (size_t at = 0; at < options.size();) {
    size_t end = options.find_first_of(": ,\t\n", at);
    if (end == std::string::npos) end = options.size();
    if (options.compare(at, 9, "log_path=") == 0) return options.substr(at + 9, end - at - 9);
    at = end + 1;
  }
  return PARE_SANITIZER_LOG_DIR "/ubsan";
}

__attribute__((constructor)) void point_libubsan_at_the_log_dir() {
  void* ubsan = dlopen("libubsan.so.1", RTLD_NOW | RTLD_NOLOAD);
  if (!ubsan) return;
  using SetReportPath = void (*)(const char*);
  if (auto set = reinterpret_cast<SetReportPath>(dlsym(ubsan, "__sanitizer_set_report_path")))
    set(ubsan_log_path().c_str());
  dlclose(ubsan);
}

}  // namespace
