// Container options end to end (root, runc, the test images): readiness pare
// derives from --http-probe, --user for slim and record --bundle, and the
// target's own locale in target.lang for every kind of target.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/run_pare.h"
#include "support/test_images.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json read_json(const std::string& p) { return json::parse(test::slurp(p)); }

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

// Makes USER a member of GROUP in the bundle's (copy-on-write) /etc/group.
void add_member(const test::TestBundle& b, const std::string& group, const std::string& user) {
  std::string path = b.overlay.merged() + "/etc/group";
  std::string text = test::slurp(path), out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(group + ":", 0) == 0) line += (line.back() == ':' ? "" : ",") + user;
    out += line + "\n";
  }
  std::ofstream(path) << out;
}

}  // namespace

TEST_CASE("slim waits for the --http-probe port without a readiness option", "[container][slim][readiness]") {
  // nginx takes a moment to listen: the probe used to run at once and fail (connection refused).
  std::string rootfs = test::image_rootfs("nginx");
  test::TempDir work;
  auto r = test::run_pare({"slim", "--from", rootfs, "--http-probe", "http://127.0.0.1:8080/", "-o", work / "out",
                           "--", "/usr/sbin/nginx", "-g", "daemon off;"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("verify         passed"));
}

TEST_CASE("slim of an OCI image waits for its ExposedPorts without a readiness option", "[container][slim][readiness]") {
  std::string rootfs = test::image_rootfs("nginx");
  test::TempDir work;
  // The fat image as an OCI layout whose config says EXPOSE 8080/tcp (and a udp port nobody listens on).
  auto all = test::run_pare({"manifest", "--rootfs", rootfs, "--no-rule", "passwd-group", "--include", "/**",
                             std::string(PARE_SOURCE_DIR) + "/tests/data/empty-manifest.json", "-o", work / "all.json"});
  REQUIRE(all.exit_code == 0);
  auto fat = test::run_pare({"build", "--manifest", work / "all.json", "--from", rootfs, "-o", work / "fat", "--format",
                             "oci", "--entrypoint", "/usr/sbin/nginx", "--cmd", "-g", "--cmd", "daemon off;"});
  INFO(fat.err);
  REQUIRE(fat.exit_code == 0);
  auto expose = test::run({"/usr/bin/umoci", "config", "--image", work / "fat:latest", "--config.exposedports",
                           "8080/tcp", "--config.exposedports", "8053/udp"});
  INFO(expose.err);
  REQUIRE(expose.exit_code == 0);
  // An app slow to listen, and one connection attempt with no retry: refused
  // unless pare waited for the exposed port.
  std::string connect_once = "bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080'";
  auto r = test::run_pare({"slim", "--from", work / "fat:latest", "-o", work / "slim", "--traffic", connect_once, "--",
                           "/bin/sh", "-c", "sleep 1; exec /usr/sbin/nginx -g 'daemon off;'"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("verify         passed"));
}

TEST_CASE("record --bundle --user: the image's user and groups, the bundle untouched", "[container][user]") {
  std::string rootfs = test::image_rootfs("nginx");
  test::TempDir work;
  test::TestBundle b(rootfs, work.path(), test::running({"/usr/bin/id"}));
  add_member(b, "users", "www-data");
  std::string config = test::slurp(b.dir + "/config.json");
  auto id_as = [&](const std::string& user) {
    auto r = test::run_pare({"record", "--bundle", b.dir, "--user", user, "--app-log", work / "app.log", "-o",
                             work / "m.json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return test::slurp(work / "app.log");
  };
  CHECK(id_as("www-data") == "uid=33(www-data) gid=33(www-data) groups=33(www-data),100(users)\n");
  CHECK(id_as("33") == "uid=33(www-data) gid=33(www-data) groups=33(www-data),100(users)\n");
  CHECK(id_as("www-data:users") == "uid=33(www-data) gid=100(users) groups=100(users)\n");
  CHECK(id_as("4242") == "uid=4242 gid=0(root) groups=0(root)\n");
  CHECK(test::slurp(b.dir + "/config.json") == config);
  CHECK(std::distance(fs::directory_iterator(b.dir), fs::directory_iterator()) == 1);  // config.json only

  SECTION("an unknown user: one line, exit 2, nothing runs") {
    fs::remove(work / "m.json");
    auto r = test::run_pare({"record", "--bundle", b.dir, "--user", "nosuchuser", "-o", work / "m.json"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "pare: error: --user nosuchuser: no user nosuchuser in the image's /etc/passwd\n");
    CHECK_FALSE(fs::exists(work / "m.json"));
    CHECK_FALSE(fs::exists(work / "m.partial.json"));
  }
  SECTION("--user needs --bundle") {
    auto r = test::run_pare({"record", "--user", "www-data", "-o", work / "m2.json", "--", "/bin/true"});
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains("--bundle"));
  }
}

TEST_CASE("slim --user runs the app (and its verify run) as that user", "[container][slim][user]") {
  std::string rootfs = test::image_rootfs("shellapp");
  test::TempDir work;
  auto r = test::run_pare({"slim", "--from", rootfs, "-o", work / "out", "--user", "www-data", "--wait-exit",
                           "--traffic", "cp \"$PARE_APP_LOG\" " + work / "id.txt", "--", "/usr/bin/id"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(test::slurp(work / "id.txt") == "uid=33(www-data) gid=33(www-data) groups=33(www-data)\n");

  SECTION("an unknown user: one line, exit 2, no output") {
    auto bad = test::run_pare({"slim", "--from", rootfs, "-o", work / "out2", "--user", "nosuchuser", "--wait-exit",
                               "--", "/usr/bin/id"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "pare: error: --user nosuchuser: no user nosuchuser in the image's /etc/passwd\n");
    CHECK_FALSE(fs::exists(work / "out2"));
  }
}

TEST_CASE("target.lang is the target's locale, not pare's", "[container][locale]") {
  // pare itself runs in another locale each time.
  std::map<std::string, std::string> pare_env = {{"LANG", "en_GB.UTF-8"}, {"LC_ALL", "en_GB.UTF-8"}};
  test::TempDir work;
  SECTION("slim: the image Env plus --env") {
    std::string rootfs = test::image_rootfs("shellapp");
    auto r = test::run_pare({"slim", "--from", rootfs, "-o", work / "out", "--env", "LANG=C.UTF-8", "--no-verify",
                             "--save-manifest", work / "m.json", "--", "/bin/true"},
                            pare_env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto m = read_json(work / "m.json");
    CHECK(m["target"]["lang"] == "C.UTF-8");
    CHECK(m["paths"]["/usr/lib/locale/C.utf8/LC_CTYPE"]["why"].dump().find("rule locale") != std::string::npos);
  }
  SECTION("record --bundle: the bundle's process.env") {
    std::string rootfs = test::image_rootfs("shellapp");
    pare::ContainerSpec spec;
    spec.args = {"/bin/true"};
    spec.env = {"PATH=/usr/bin:/bin", "LANG=de_DE.UTF-8", "LC_CTYPE=C.UTF-8"};
    test::TestBundle b(rootfs, work.path(), spec);
    auto r = test::run_pare({"record", "--bundle", b.dir, "-o", work / "m.json"}, pare_env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(read_json(work / "m.json")["target"]["lang"] == "C.UTF-8");
  }
  SECTION("record --pid: /proc/PID/environ") {
    test::Background p({"/usr/bin/env", "-i", "LANG=xx_YY.UTF-8", "/bin/sleep", "30"});
    usleep(200000);  // env(1) has exec'ed sleep
    auto r = test::run_pare({"record", "--pid", std::to_string(p.pid()), "--duration", "0.5", "-o", work / "m.json"},
                            pare_env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(read_json(work / "m.json")["target"]["lang"] == "xx_YY.UTF-8");
  }
  SECTION("record -- CMD: the environment it inherits from pare") {
    auto r = test::run_pare({"record", "-o", work / "m.json", "--", "/bin/true"}, {{"LANG", "de_DE.UTF-8"}});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(read_json(work / "m.json")["target"]["lang"] == "de_DE.UTF-8");
  }
}
