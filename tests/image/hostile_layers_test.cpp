// Hostile layers (this runs as root on untrusted images): symlinks pointing out
// of DEST followed by entries through them, "..", absolute names, hard links
// and whiteouts aimed outside. Each case: nothing outside DEST is created,
// changed or removed, and the layer is either refused with an Error or its
// entry lands inside DEST.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "image/image_source.h"
#include "image_fixture.h"
#include "support/run_pare.h"

using namespace imgtest;

namespace {

struct Outcome {
  bool threw = false;
  std::string error;
};

// Unpacks an OCI image of LAYERS into DEST; the working directory must be the
// same afterwards (extraction changes it temporarily).
Outcome unpack_layers(const test::TempDir& t, const std::vector<std::vector<TarEntry>>& layers, const std::string& dest) {
  OciLayout oci(t / "oci");
  oci.add(oci.image_manifest(layers, make_config(layers)), "latest");
  std::string cwd_before = std::filesystem::current_path();
  Outcome o;
  try {
    pare::unpack_image(oci.dir(), dest);
  } catch (const pare::Error& e) {
    o.threw = true;
    o.error = e.what();
    CHECK(e.code() == pare::kExitBadInput);
  }
  CHECK(std::filesystem::current_path() == cwd_before);
  return o;
}

// A directory outside DEST with a sentinel file, compared whole afterwards.
struct Outside {
  test::TempDir dir;
  std::map<std::string, std::string> before;
  Outside() {
    dir.write("sentinel", "keep");
    dir.write("passwd", "root:x:0:0::/root:/bin/sh\n");
    before = snapshot(dir.path());
  }
  void check_untouched() const {
    CHECK(snapshot(dir.path()) == before);
    CHECK(test::slurp(dir / "sentinel") == "keep");
  }
  // "../../..../<outside>" from DEST: enough ".." to reach "/" from anywhere.
  std::string relative_from_dest() const { return std::string("../../../../../../../../../..") + dir.path(); }
};

bool exists(const std::string& p) {
  struct stat st;
  return lstat(p.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("hostile: entries through an absolute symlink to the host are refused", "[image][hostile]") {
  test::TempDir t;
  Outside out;
  std::string dest = t.mkdir("dest");

  SECTION("etc -> OUTSIDE, then etc/pare-pwned") {
    Outcome o = unpack_layers(t, {{sym("etc", out.dir.path())}, {file("etc/pare-pwned", "x")}}, dest);
    CHECK(o.threw);
    CHECK_THAT(o.error, Catch::Contains("symlink 'etc'"));
    CHECK_FALSE(exists(out.dir / "pare-pwned"));
  }
  SECTION("etc -> /etc, then etc/pare-pwned") {
    REQUIRE_FALSE(exists("/etc/pare-pwned"));
    Outcome o = unpack_layers(t, {{sym("etc", "/etc")}, {file("etc/pare-pwned", "x")}}, dest);
    bool pwned = exists("/etc/pare-pwned");
    if (pwned) unlink("/etc/pare-pwned");
    CHECK_FALSE(pwned);
    CHECK(o.threw);
  }
  SECTION("a directory entry replaces the symlink; what follows lands in DEST") {
    Outcome o = unpack_layers(t, {{sym("etc", out.dir.path())}, {dir("etc/"), file("etc/pare-pwned", "x")}}, dest);
    CHECK_FALSE(o.threw);
    struct stat st;
    REQUIRE(lstat((dest + "/etc").c_str(), &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK(test::slurp(dest + "/etc/pare-pwned") == "x");
  }
  SECTION("a symlink deeper in the path, within one layer") {
    Outcome o = unpack_layers(t, {{dir("a/"), sym("a/b", out.dir.path()), file("a/b/evil", "x")}}, dest);
    CHECK(o.threw);
    CHECK_FALSE(exists(out.dir / "evil"));
  }
  out.check_untouched();
}

TEST_CASE("hostile: a relative symlink climbing out of DEST is not followed", "[image][hostile]") {
  test::TempDir t;
  Outside out;
  std::string dest = t.mkdir("dest");
  // Sanity: the link really does reach OUTSIDE when followed.
  REQUIRE(std::filesystem::equivalent(std::filesystem::path(dest) / out.relative_from_dest(), out.dir.path()));

  Outcome o = unpack_layers(t, {{sym("x", out.relative_from_dest())}, {file("x/evil", "x")}}, dest);
  CHECK(o.threw);
  CHECK_FALSE(exists(out.dir / "evil"));
  out.check_untouched();
}

TEST_CASE("hostile: '..' entries are refused and absolute names stay inside DEST", "[image][hostile]") {
  test::TempDir t;
  std::string dest = t.mkdir("dest");

  SECTION("../escape") {
    Outcome o = unpack_layers(t, {{file("../escape", "x")}}, dest);
    CHECK(o.threw);
    CHECK_THAT(o.error, Catch::Contains(".."));
    CHECK_FALSE(exists(t / "escape"));
  }
  SECTION("a/../../escape") {
    Outcome o = unpack_layers(t, {{dir("a/"), file("a/../../escape", "x")}}, dest);
    CHECK(o.threw);
    CHECK_FALSE(exists(t / "escape"));
    CHECK(list_tree(dest).empty());  // the layer was refused before it changed anything
  }
  SECTION("/abs-pare-test is DEST/abs-pare-test") {
    REQUIRE_FALSE(exists("/abs-pare-test"));
    Outcome o = unpack_layers(t, {{file("/abs-pare-test", "x")}}, dest);
    bool escaped = exists("/abs-pare-test");
    if (escaped) unlink("/abs-pare-test");
    CHECK_FALSE(escaped);
    CHECK_FALSE(o.threw);
    CHECK(test::slurp(dest + "/abs-pare-test") == "x");
  }
}

TEST_CASE("hostile: hard links never reach files outside DEST", "[image][hostile]") {
  test::TempDir t;
  Outside out;
  std::string dest = t.mkdir("dest");
  struct stat passwd_before;
  REQUIRE(stat("/etc/passwd", &passwd_before) == 0);

  SECTION("pw => /etc/passwd") {
    Outcome o = unpack_layers(t, {{hard("pw", "/etc/passwd")}}, dest);
    struct stat st;
    if (lstat((dest + "/pw").c_str(), &st) == 0) CHECK(st.st_ino != passwd_before.st_ino);
    CHECK(o.threw);  // DEST has no etc/passwd to link to
  }
  SECTION("pw => ../../etc/passwd") {
    Outcome o = unpack_layers(t, {{hard("pw", "../../etc/passwd")}}, dest);
    CHECK(o.threw);
    CHECK_FALSE(exists(dest + "/pw"));
  }
  SECTION("pw => lnk/passwd where lnk -> OUTSIDE") {
    Outcome o = unpack_layers(t, {{sym("lnk", out.dir.path())}, {hard("pw", "lnk/passwd")}}, dest);
    CHECK(o.threw);
    CHECK_FALSE(exists(dest + "/pw"));
  }
  SECTION("a hard link to a symlink links the symlink, not its target") {
    Outcome o = unpack_layers(t, {{sym("f", out.dir / "passwd"), hard("g", "f")}}, dest);
    CHECK_FALSE(o.threw);
    struct stat st;
    REQUIRE(lstat((dest + "/g").c_str(), &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
  }
  struct stat passwd_after;
  REQUIRE(stat("/etc/passwd", &passwd_after) == 0);
  CHECK(passwd_after.st_nlink == passwd_before.st_nlink);
  out.check_untouched();
}

TEST_CASE("hostile: whiteouts never remove anything outside DEST", "[image][hostile]") {
  test::TempDir t;
  Outside out;
  std::string dest = t.mkdir("dest");

  SECTION("lnk/.wh.passwd where lnk -> OUTSIDE") {
    Outcome o = unpack_layers(t, {{sym("lnk", out.dir.path())}, {whiteout("lnk/", "passwd")}}, dest);
    CHECK(o.threw);
    CHECK_THAT(o.error, Catch::Contains("symlink 'lnk'"));
  }
  SECTION("lnk/.wh.passwd where lnk -> /etc") {
    Outcome o = unpack_layers(t, {{sym("lnk", "/etc")}, {whiteout("lnk/", "passwd")}}, dest);
    CHECK(o.threw);
    CHECK(exists("/etc/passwd"));
  }
  SECTION("rel/.wh..wh..opq where rel climbs to OUTSIDE") {
    Outcome o = unpack_layers(t, {{sym("rel", out.relative_from_dest())}, {file("rel/.wh..wh..opq", "")}}, dest);
    CHECK(o.threw);
  }
  SECTION(".wh.lnk removes the link, not what it points to") {
    Outcome o = unpack_layers(t, {{sym("lnk", out.dir.path()), file("keep", "k")}, {whiteout("", "lnk")}}, dest);
    CHECK_FALSE(o.threw);
    CHECK(list_tree(dest) == std::vector<std::string>{"keep"});
  }
  SECTION("a whiteout named '..' is malformed") {
    Outcome o = unpack_layers(t, {{file("a", "a")}, {file("d/.wh...", "")}}, dest);
    CHECK(o.threw);
  }
  out.check_untouched();
}

TEST_CASE("hostile: a file replacing a symlink replaces the link and never writes through it", "[image][hostile]") {
  test::TempDir t;
  Outside out;
  std::string dest = t.mkdir("dest");
  Outcome o = unpack_layers(t, {{sym("f", out.dir / "sentinel"), sym("d", out.dir.path())},
                                {file("f", "mine"), file("d", "plain")}}, dest);
  CHECK_FALSE(o.threw);
  struct stat st;
  REQUIRE(lstat((dest + "/f").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK(test::slurp(dest + "/f") == "mine");
  CHECK(test::slurp(dest + "/d") == "plain");
  out.check_untouched();
}

TEST_CASE("device nodes are skipped", "[image][hostile]") {
  test::TempDir t;
  std::string dest = t.mkdir("dest");
  TarEntry dev;
  dev.name = "dev/null";
  dev.type = 'c';
  Outcome o = unpack_layers(t, {{dir("dev/"), dev, file("ok", "1")}}, dest);
  CHECK_FALSE(o.threw);
  CHECK(list_tree(dest) == std::vector<std::string>{"dev", "ok"});
}

TEST_CASE("hostile: a directory replaced by a symlink in the same layer keeps its fixups inside DEST", "[image][hostile]") {
  test::TempDir t;
  Outside out;
  struct stat before;
  REQUIRE(stat(out.dir.path().c_str(), &before) == 0);
  std::string dest = t.mkdir("dest");
  // libarchive sets directory modes and times at the end of the layer; by then
  // "d" is a symlink to OUTSIDE, which must not receive mode 0777 or the time.
  TarEntry d = dir("d/", 0777);
  d.mtime = 1000;
  Outcome o = unpack_layers(t, {{d, sym("d", out.dir.path())}}, dest);
  CHECK_FALSE(o.threw);
  struct stat after;
  REQUIRE(stat(out.dir.path().c_str(), &after) == 0);
  CHECK(after.st_mode == before.st_mode);
  CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
  REQUIRE(lstat((dest + "/d").c_str(), &after) == 0);
  CHECK(S_ISLNK(after.st_mode));
  out.check_untouched();
}
