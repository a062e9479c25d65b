// --user and an image's User resolved in the image's own /etc/passwd and
// /etc/group (read inside the untrusted root), supplementary groups included.
#include <catch2/catch.hpp>

#include "common/error.h"
#include "container/user_lookup.h"
#include "support/run_pare.h"

using pare::ProcessUser;
using Gids = std::vector<uint32_t>;

namespace {

struct FakeImage {
  FakeImage() {
    dir.write("etc/passwd",
              "root:x:0:0:root:/root:/bin/bash\n"
              "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
              "# a comment line\n"
              "broken:x:notanumber:1::/:\n"
              "short:x\n"
              "app:x:1000:1000::/home/app:/bin/sh\n");
    dir.write("etc/group",
              "root:x:0:\n"
              "adm:x:4:app\n"
              "www-data:x:33:\n"
              "users:x:100:www-data,app\n"
              "staff:x:50:app\n"
              "bad:x:oops:www-data\n"
              "app:x:1000:\n");
  }
  ProcessUser resolve(const std::string& spec) const {
    return pare::resolve_user(dir.path(), spec, pare::kExitUsage, "--user");
  }
  test::TempDir dir;
};

void check(const ProcessUser& u, uint32_t uid, uint32_t gid, const Gids& groups) {
  CHECK(u.uid == uid);
  CHECK(u.gid == gid);
  CHECK(u.additional_gids == groups);
}

}  // namespace

TEST_CASE("user lookup: names and numbers, groups from /etc/group membership", "[user]") {
  FakeImage img;
  check(img.resolve("www-data"), 33, 33, {100});
  check(img.resolve("app"), 1000, 1000, {4, 100, 50});
  check(img.resolve("33"), 33, 33, {100});  // a uid with an entry is that user
  check(img.resolve("root"), 0, 0, {});
  SECTION("an explicit group replaces the primary group and the supplementary ones (like docker)") {
    check(img.resolve("www-data:users"), 33, 100, {});
    check(img.resolve("app:0"), 1000, 0, {});
    check(img.resolve("4242:4343"), 4242, 4343, {});
  }
  SECTION("a numeric uid without a passwd entry runs with gid 0") {
    check(img.resolve("4242"), 4242, 0, {});
  }
}

TEST_CASE("user lookup: unknown or malformed users are one clear error", "[user]") {
  FakeImage img;
  auto fails = [&](const std::string& spec, const std::string& says) {
    INFO(spec);
    try {
      img.resolve(spec);
      FAIL("no error");
    } catch (const pare::Error& e) {
      CHECK(e.code() == pare::kExitUsage);
      CHECK_THAT(e.what(), Catch::Contains(says));
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
  };
  fails("nosuchuser", "--user nosuchuser: no user nosuchuser in the image's /etc/passwd");
  fails("www-data:nosuchgroup", "no group nosuchgroup in the image's /etc/group");
  fails("broken", "no user broken");   // its uid is not a number: not an entry
  fails("", "empty");
  fails(":33", "empty");
  fails("www-data:", "empty");
  fails("4294967295", "not a valid");  // (uid_t)-1 means "unchanged" to the kernel
  fails("99999999999", "not a valid");
  CHECK(pare::user_syntax_error("www-data:users").empty());
  CHECK_FALSE(pare::user_syntax_error("a:b:c").empty());
}

TEST_CASE("user lookup: /etc/passwd is read inside the root", "[user][safety]") {
  test::TempDir img;
  // An absolute symlink to the host's file resolves inside the image: no such file there.
  img.symlink("etc/passwd", "/etc/passwd");
  img.symlink("etc/group", "../../../../etc/group");
  try {
    pare::resolve_user(img.path(), "root", pare::kExitUsage, "--user");
    FAIL("read the host's /etc/passwd");
  } catch (const pare::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("no user root"));
  }
  // Numbers need no file.
  CHECK(pare::resolve_user(img.path(), "0:0", pare::kExitUsage, "--user").uid == 0);
}
