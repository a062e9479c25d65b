// Output paths (common/output_file.h): devices and FIFOs are written in
// place, symlinks followed, directories and missing parents refused before
// any work, two outputs or an output and an input never the same file.
// Device nodes are made with mknod in a temp dir, never the real /dev.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "common/error.h"
#include "common/output_file.h"
#include "support/run_pare.h"

namespace fs = std::filesystem;

namespace {

mode_t type_of(const std::string& p) {
  struct stat st {};
  REQUIRE(lstat(p.c_str(), &st) == 0);
  return st.st_mode & S_IFMT;
}

std::vector<std::string> leftovers(const test::TempDir& d) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(d.path()))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) out.push_back(e.path());
  return out;
}

}  // namespace

TEST_CASE("a character device output is written in place, never replaced", "[outputs]") {
  test::TempDir d;
  std::string null = d / "null";
  REQUIRE(mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  pare::write_output(null, "data\n");
  CHECK(type_of(null) == S_IFCHR);
  std::string full = d / "full";
  REQUIRE(mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)) == 0);
  CHECK_THROWS_AS(pare::write_output(full, std::string(1 << 16, 'x')), pare::Error);  // ENOSPC, reported
  CHECK(type_of(full) == S_IFCHR);
  CHECK(leftovers(d).empty());
}

TEST_CASE("a FIFO output is written in place", "[outputs]") {
  test::TempDir d;
  std::string fifo = d / "fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  std::string got;
  std::thread reader([&] { got = test::slurp(fifo); });
  pare::write_output(fifo, "through the pipe\n");
  reader.join();
  CHECK(got == "through the pipe\n");
  CHECK(type_of(fifo) == S_IFIFO);
}

TEST_CASE("a symlink output is followed: the file it names is replaced, the link stays", "[outputs]") {
  test::TempDir d;
  d.write("real.json", "old\n", 0640);
  d.symlink("link.json", "real.json");
  pare::write_output(d / "link.json", "new\n");
  CHECK(type_of(d / "link.json") == S_IFLNK);
  CHECK(test::slurp(d / "real.json") == "new\n");
  struct stat st {};
  REQUIRE(stat((d / "real.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);  // the replaced file keeps its mode
  d.symlink("dangling.json", "nowhere/x");
  CHECK_THROWS_AS(pare::plan_output(d / "dangling.json", "-o"), pare::Error);
  CHECK(type_of(d / "dangling.json") == S_IFLNK);
}

TEST_CASE("directories, block devices, sockets and missing parents are refused before work", "[outputs]") {
  test::TempDir d;
  d.mkdir("dir");
  std::string blk = d / "blk";
  REQUIRE(mknod(blk.c_str(), S_IFBLK | 0600, makedev(7, 200)) == 0);
  for (std::string bad : {d / "dir", d / "dir/", blk, d / "missing/x.json", d / "dir/../missing/x"}) {
    try {
      pare::plan_output(bad, "-o");
      FAIL("accepted " << bad);
    } catch (const pare::Error& e) {
      CHECK(e.code() == pare::kExitUsage);
      CHECK(std::string(e.what()).rfind("-o ", 0) == 0);
    }
  }
  CHECK(type_of(blk) == S_IFBLK);
}

TEST_CASE("stdout spellings, two outputs on one file, an output that is an input", "[outputs]") {
  test::TempDir d;
  for (std::string s : {"", "-", "/dev/stdout"}) CHECK(pare::plan_output(s, "-o").kind == pare::OutputKind::kStdout);
  d.write("in.json", "{}");
  d.symlink("alias.json", "in.json");
  auto a = pare::plan_output(d / "out.json", "-o");
  auto c = pare::plan_output(d / "./out.json", "--events");
  CHECK_THROWS_AS(pare::check_outputs({a, c}, {}), pare::Error);
  CHECK_THROWS_AS(pare::check_outputs({pare::plan_output("-", "-o"), pare::plan_output("/dev/stdout", "--events")}, {}),
                  pare::Error);
  CHECK_THROWS_AS(pare::check_outputs({pare::plan_output(d / "alias.json", "-o")}, {d / "in.json"}), pare::Error);
  CHECK_NOTHROW(pare::check_outputs({a}, {d / "in.json"}));
}
