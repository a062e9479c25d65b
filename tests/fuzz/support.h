// Shared by the fuzz targets: what counts as a finding, and a private scratch
// directory for targets whose API reads files.
//
// A target's contract is "throws pare::Error or returns". Anything else is a
// finding: a crash or sanitizer report (libFuzzer sees those itself), a
// violated invariant, or an exception of another type escaping, which in pare
// would end a command with an unexpected-error message instead of its exit
// code. finding() aborts, so libFuzzer saves the input as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include "common/error.h"

namespace fuzz {

// Prints "pare fuzz finding: WHAT" to stderr and aborts.
[[noreturn]] void finding(const std::string& what);

// Once per process: logging off (an image target would otherwise log every
// layer it applies, tens of thousands of lines a minute).
void setup();

// This process's scratch directory: made on first use under $TMPDIR (or
// /tmp), removed with its contents at exit. tools/fuzz points TMPDIR at its
// own scratch area, so even a killed fuzzer leaves nothing in the repo.
const std::string& scratch();

// Writes BYTES to PATH (created or truncated); aborts on failure, which is the
// harness's problem, not the input's.
void write_file(const std::string& path, std::string_view bytes);

// PARE_FUZZ_VERBOSE=1 in the environment: say why each input was refused
// (for writing seeds; replay a file with the target binary to see it).
bool verbose();
void note(const std::string& line);  // one line to stderr

// Removes PATH and everything under it, never following symlinks.
void remove_tree(const std::string& path);

// The fuzz input as text.
inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs F; a pare::Error is an expected rejection of bad input, anything else
// escaping is a finding naming WHAT and the exception.
template <class F>
void expect_only_errors(const char* what, F&& f) {
  try {
    f();
    if (verbose()) note(std::string(what) + ": accepted");
  } catch (const pare::Error& e) {
    // Malformed input, refused with a message: the contract.
    if (verbose()) note(std::string(what) + ": refused: " + e.what());
  } catch (const std::exception& e) {
    finding(std::string(what) + " threw " + typeid(e).name() + " (not pare::Error): " + e.what());
  } catch (...) {
    finding(std::string(what) + " threw a non-std exception");
  }
}

}  // namespace fuzz
