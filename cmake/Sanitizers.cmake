# Sanitizer builds, both off by default (README "Tests"):
#   -DPARE_SANITIZE=ON  ASan + UBSan: tools/test --sanitize builds build-asan/
#                       with it and runs the whole ctest suite there.
#   -DPARE_FUZZ=ON      clang only: the same sanitizers plus libFuzzer's coverage
#                       instrumentation, for tests/fuzz (tools/fuzz, build-fuzz/).
# The flags go on pare_core as PUBLIC so they reach it and everything linking
# it (pare, the tests, the fuzz targets) and nothing else: the programs the
# runtime tests trace (tests/fixtures) stay plain, since those tests check
# exactly which files the traced programs open.
# Included by the top CMakeLists.txt right after pare_core is defined.
option(PARE_SANITIZE "Build pare and its tests with ASan and UBSan" OFF)
option(PARE_FUZZ "Build the libFuzzer targets in tests/fuzz (clang)" OFF)

# Every UBSan report is fatal, so no test can pass over one.
set(PARE_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)

if(PARE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PARE_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  target_compile_options(pare_core PUBLIC ${PARE_SANITIZER_FLAGS} -fsanitize=fuzzer-no-link)
  target_link_options(pare_core PUBLIC -fsanitize=address,undefined)
elseif(PARE_SANITIZE)
  target_compile_options(pare_core PUBLIC ${PARE_SANITIZER_FLAGS})
  # GCC 12's -Wmaybe-uninitialized misfires on sanitizer-instrumented library
  # code (std::function inside std::regex); -Wall keeps it on in normal builds.
  target_compile_options(pare_core PUBLIC $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
  target_link_options(pare_core PUBLIC -fsanitize=address,undefined)
  # The runtime options, compiled into every program that links pare_core:
  # the tests run pare with a scrubbed environment, so ASAN_OPTIONS set by
  # tools/test would never reach it. Reports go to files under the build
  # directory, which tools/test --sanitize checks after ctest.
  target_sources(pare_core INTERFACE ${CMAKE_SOURCE_DIR}/tests/sanitize/default_options.cpp)
  target_compile_definitions(pare_core PUBLIC PARE_SANITIZER_LOG_DIR="${CMAKE_BINARY_DIR}/sanitizer-logs")
endif()
