// main() for builds without libFuzzer (the g++ build, build-asan): runs the
// target once on every file named on the command line or found in a named
// directory (sorted, hidden files skipped), so ctest replays the seed corpus
// and every saved crash in each build. A missing directory counts as empty:
// regressions/TARGET only exists once a crash has been saved.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<std::string> inputs_of(const std::filesystem::path& arg) {
  std::vector<std::string> out;
  std::error_code ec;
  if (std::filesystem::is_directory(arg, ec)) {
    for (const auto& e : std::filesystem::directory_iterator(arg)) {
      std::string name = e.path().filename();
      if (e.is_regular_file() && name[0] != '.' && name != "README.md") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
  } else if (std::filesystem::exists(arg, ec)) {
    out.push_back(arg);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    for (const std::string& path : inputs_of(argv[i])) {
      std::fprintf(stderr, "replay %s\n", path.c_str());
      std::ifstream in(path, std::ios::binary);
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        return 1;
      }
      // Like libFuzzer, never hand the target a null pointer for an empty input.
      static const uint8_t kEmpty = 0;
      LLVMFuzzerTestOneInput(bytes.empty() ? &kEmpty : bytes.data(), bytes.size());
      ++count;
    }
  }
  std::fprintf(stderr, "replayed %zu inputs without a finding\n", count);
  return 0;
}
