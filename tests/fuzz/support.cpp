#include "support.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace fuzz {

void finding(const std::string& what) {
  std::fprintf(stderr, "pare fuzz finding: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

void setup() {
  static bool done = false;
  if (done) return;
  done = true;
  spdlog::set_level(spdlog::level::off);
}

bool verbose() {
  static const bool on = [] {
    const char* v = std::getenv("PARE_FUZZ_VERBOSE");
    return v && *v && std::string(v) != "0";
  }();
  return on;
}

void note(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

namespace {

std::string make_scratch() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/pare-fuzz-XXXXXX";
  if (!mkdtemp(templ.data())) finding("harness: cannot create a scratch directory under " + templ);
  return templ;
}

// Removes the scratch directory when the process ends normally (libFuzzer's
// -runs/-max_total_time exits, the replay driver returning from main).
struct ScratchOwner {
  std::string path = make_scratch();
  ~ScratchOwner() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

const std::string& scratch() {
  static ScratchOwner owner;
  return owner.path;
}

void write_file(const std::string& path, std::string_view bytes) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) finding("harness: cannot create " + path);
  for (size_t off = 0; off < bytes.size();) {
    ssize_t n = write(fd, bytes.data() + off, bytes.size() - off);
    if (n <= 0) finding("harness: cannot write " + path);
    off += static_cast<size_t>(n);
  }
  close(fd);
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);  // does not follow symlinks
  if (ec) finding("harness: cannot remove " + path + ": " + ec.message());
}

}  // namespace fuzz
