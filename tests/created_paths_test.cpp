// The creation oracle on a real tree: what was born after the recording
// started is new, whatever shares its directory; a directory nothing was
// added to since is answered from its own ctime, without looking inside.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "record/created_paths.h"
#include "support/run_pare.h"

namespace fs = std::filesystem;

namespace {

void touch(const std::string& p) { std::ofstream(p) << "x"; }

// Coarse clocks tick every few ms: keep "before" and "after" apart.
void tick() { std::this_thread::sleep_for(std::chrono::milliseconds(30)); }

}  // namespace

TEST_CASE("created paths: new files and directories are new, their old neighbours are not", "[created]") {
  test::TempDir d;
  std::string root = d.path();
  for (auto dir : {"/old", "/untouched", "/src"}) fs::create_directory(root + dir);
  touch(root + "/old/a");
  touch(root + "/untouched/b");
  touch(root + "/src/moved");
  tick();
  struct timespec since = pare::coarse_now();
  tick();
  touch(root + "/old/new");
  fs::create_directory(root + "/newdir");
  touch(root + "/newdir/x");
  fs::rename(root + "/src/moved", root + "/old/moved");  // an old inode under a new name

  pare::RootFs fs_root(root);
  pare::RootFs::StableTree stable(fs_root);
  pare::CreationOracle oracle(fs_root, since);
  CHECK(oracle.created("/old/new"));
  CHECK(oracle.created("/newdir"));
  CHECK(oracle.created("/newdir/x"));
  CHECK_FALSE(oracle.created("/old/a"));       // its directory changed, the file did not
  CHECK_FALSE(oracle.created("/old/moved"));   // renamed, not born
  CHECK_FALSE(oracle.created("/untouched/b"));
  CHECK_FALSE(oracle.created("/untouched"));
  CHECK_FALSE(oracle.created("/old/gone"));
  CHECK_FALSE(oracle.created("/"));
  // Asked out of order, the answers are the same.
  CHECK(oracle.created("/old/new"));
  CHECK_FALSE(oracle.created("/untouched/b"));
  CHECK(oracle.created("/newdir/x"));
}
