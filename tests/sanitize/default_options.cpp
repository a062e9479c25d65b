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
#ifndef PARE_SANITIZER_LOG_DIR
#error "PARE_SANITIZER_LOG_DIR must name the report directory"
#endif

#define PARE_SANITIZER_EXPORT extern "C" __attribute__((visibility("default"), used))

PARE_SANITIZER_EXPORT const char* __asan_default_options() {
  return "detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:"
         "strict_string_checks=1:exitcode=86:log_path=" PARE_SANITIZER_LOG_DIR "/asan";
}

PARE_SANITIZER_EXPORT const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=" PARE_SANITIZER_LOG_DIR "/ubsan";
}
