// Containers end to end (root, runc, the debootstrap test images that
// tools/test prepares with tools/images/make-image): record a bundle, slim
// each image, verify it under traffic it never saw, and the error paths.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "support/run_pare.h"
#include "support/test_images.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kTools = test::images_dir();
using test::image_rootfs;
using test::TestBundle;

json read_json(const std::string& p) { return json::parse(test::slurp(p)); }

double ratio(const json& report) {
  return static_cast<double>(report["before"]["bytes"].get<uint64_t>()) / report["after"]["bytes"].get<double>();
}

const std::vector<std::string> kNginx = {"--", "/usr/sbin/nginx", "-g", "daemon off;"};

}  // namespace

TEST_CASE("slim nginx: 10x smaller, passes traffic it never saw - host processes stay out", "[container][slim]") {
  std::string rootfs = image_rootfs("nginx");
  test::TempDir work;
  // A process on the host, not in the container, busy at the same time.
  std::string marker = work.write("host-marker.txt", "x");
  test::Background outsider({test::fixture(), "marker", marker, "4"});
  std::vector<std::string> args = {"slim", "--from", rootfs, "-o", work / "out", "--report", work / "report.json",
                                   "--save-manifest", work / "m.json", "--ready-tcp", "127.0.0.1:8080",
                                   "--traffic", kTools + "/nginx.traffic", "--include", "/var/www/html/**",
                                   "--verify-traffic", kTools + "/nginx.traffic --alt",
                                   "--sbom", work / "sbom.spdx.json", "--sbom-format", "spdx"};
  args.insert(args.end(), kNginx.begin(), kNginx.end());
  auto r = test::run_pare(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("verify         passed"));
  auto report = read_json(work / "report.json");
  CHECK(report["verify"] == "passed");
  CHECK(ratio(report) >= 10);
  auto m = read_json(work / "m.json");
  CHECK(m["complete"] == true);
  // Only the app ran in the container: not runc's setup, not the host's traffic scripts.
  CHECK(m["processes"].size() == 1);
  CHECK(m["processes"].contains("/usr/sbin/nginx"));
  for (auto& [p, e] : m["paths"].items()) {
    INFO(p);
    CHECK(p.find("python") == std::string::npos);  // the traffic scripts run python3 on the host
    CHECK(p.find("runc") == std::string::npos);
    CHECK(p.find("host-marker") == std::string::npos);
  }
  CHECK(m["paths"]["/var/www/html/hello.txt"]["kinds"].dump().find("read") != std::string::npos);
  CHECK(fs::exists(work / "out/usr/sbin/nginx"));
  CHECK_FALSE(fs::exists(work / "out/usr/share/doc"));
  // The package database of what remains (the verify run had it too) and the SBOM beside it.
  CHECK(fs::exists(work / "out/var/lib/dpkg/status"));
  CHECK(report["packages"]["after"] > 0);
  CHECK(report["packages"]["after"] < report["packages"]["before"]);
  CHECK_THAT(r.out, Catch::Contains("packages       " + std::to_string(report["packages"]["before"].get<int>()) + " -> "));
  CHECK_THAT(test::slurp(work / "sbom.spdx.json"), Catch::Contains("pkg:deb/debian/nginx@"));
  CHECK(outsider.wait() == 0);
}

TEST_CASE("slim pyweb: a Python web app on Debian's python3", "[container][slim]") {
  std::string rootfs = image_rootfs("pyweb");
  test::TempDir work;
  auto r = test::run_pare({"slim", "--from", rootfs, "-o", work / "out", "--report", work / "report.json",
                           "--env", "PYTHONUNBUFFERED=1", "--env", "LANG=C.UTF-8", "--ready-tcp", "127.0.0.1:8081",
                           "--traffic", kTools + "/pyweb.traffic", "--verify-traffic", kTools + "/pyweb.traffic --alt",
                           "--", "/usr/bin/python3", "/srv/app/app.py"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto report = read_json(work / "report.json");
  CHECK(report["verify"] == "passed");
  CHECK(ratio(report) >= 10);
}

TEST_CASE("slim shellapp: an entrypoint script that runs other tools", "[container][slim]") {
  std::string rootfs = image_rootfs("shellapp");
  test::TempDir work;
  auto r = test::run_pare({"slim", "--from", rootfs, "-o", work / "out", "--report", work / "report.json",
                           "--save-manifest", work / "m.json", "--wait-exit", "--traffic",
                           kTools + "/shellapp.traffic \"$PARE_APP_LOG\"", "--", "/usr/local/bin/entrypoint.sh"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto report = read_json(work / "report.json");
  CHECK(report["verify"] == "passed");
  CHECK(ratio(report) >= 10);
  auto m = read_json(work / "m.json");
  CHECK(m["paths"]["/usr/local/bin/entrypoint.sh"]["kinds"].dump().find("script") != std::string::npos);
  CHECK(m["paths"]["/etc/alternatives/awk"]["type"] == "symlink");  // awk -> /etc/alternatives/awk -> gawk
}

TEST_CASE("slim from an OCI image keeps its config and writes an OCI image", "[container][slim][oci]") {
  std::string rootfs = image_rootfs("nginx");
  test::TempDir work;
  // The fat image: the whole nginx rootfs as an OCI layout with a real config.
  auto all = test::run_pare({"manifest", "--rootfs", rootfs, "--no-rule", "passwd-group", "--include", "/**",
                             std::string(PARE_SOURCE_DIR) + "/tests/data/empty-manifest.json", "-o", work / "all.json"});
  REQUIRE(all.exit_code == 0);
  auto fat = test::run_pare({"build", "--manifest", work / "all.json", "--from", rootfs, "-o", work / "fat",
                             "--format", "oci", "--entrypoint", "/usr/sbin/nginx", "--cmd", "-g", "--cmd", "daemon off;",
                             "--env", "NGINX_TEST=1"});
  INFO(fat.err);
  REQUIRE(fat.exit_code == 0);
  auto r = test::run_pare({"slim", "--from", work / "fat:latest", "-o", work / "slim", "--ready-tcp", "127.0.0.1:8080",
                           "--http-probe", "http://127.0.0.1:8080/", "--report", work / "report.json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(ratio(read_json(work / "report.json")) >= 10);
  auto inspect = test::run({"/usr/bin/skopeo", "inspect", "--config", "oci:" + work / "slim:latest"});
  INFO(inspect.err);
  REQUIRE(inspect.exit_code == 0);
  auto config = json::parse(inspect.out);
  CHECK(config["config"]["Entrypoint"] == json::array({"/usr/sbin/nginx"}));
  CHECK(config["config"]["Cmd"] == json::array({"-g", "daemon off;"}));
  CHECK(config["config"]["Env"].dump().find("NGINX_TEST=1") != std::string::npos);
}

TEST_CASE("record --bundle: the container only, paths as it sees them, runc exec joins", "[container]") {
  std::string rootfs = image_rootfs("nginx");
  test::TempDir work;
  TestBundle b(rootfs, work.path(), test::running({"/usr/sbin/nginx", "-g", "daemon off;"}));
  auto r = test::run_pare({"record", "--bundle", b.dir, "-o", work / "m.json", "--app-log", work / "app.log",
                           "--ready-http", "http://127.0.0.1:8080/", "--http-probe", "http://127.0.0.1:8080/hello.txt",
                           "--traffic", "\"$PARE_RUNTIME\" exec \"$PARE_CONTAINER_ID\" /bin/cat /etc/debian_version"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto m = read_json(work / "m.json");
  CHECK(m["target"]["root"] == b.dir.substr(0, b.dir.rfind('/')) + "/ov/merged");
  CHECK(m["paths"].contains("/var/www/html/hello.txt"));
  CHECK(m["paths"]["/usr/bin/cat"]["kinds"].dump().find("exec") != std::string::npos);  // runc exec
  CHECK(m["paths"]["/etc/debian_version"]["kinds"].dump().find("read") != std::string::npos);
  for (auto& [exe, p] : m["processes"].items()) CHECK((exe == "/usr/sbin/nginx" || exe == "/usr/bin/cat"));
  CHECK(m["target"]["exit_status"].is_number());
}

TEST_CASE("record --pid of a container another runtime started", "[container]") {
  std::string rootfs = image_rootfs("nginx");
  test::TempDir work;
  TestBundle b(rootfs, work.path(), test::running({"/usr/sbin/nginx", "-g", "daemon off;"}));
  std::string id = "pare-test-" + std::to_string(getpid());
  REQUIRE(test::run({"/usr/sbin/runc", "run", "-d", "--bundle", b.dir, id}).exit_code == 0);
  auto state = json::parse(test::run({"/usr/sbin/runc", "state", id}).out);
  int pid = state["pid"];
  // Traffic from the host while pare is attached.
  test::Background traffic({"/bin/sh", "-c", "sleep 1.5; " + kTools + "/nginx.traffic"});
  auto r = test::run_pare({"record", "--pid", std::to_string(pid), "--duration", "4", "-o", work / "m.json"});
  test::run({"/usr/sbin/runc", "delete", "--force", id});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(traffic.wait() == 0);
  auto m = read_json(work / "m.json");
  CHECK(m["target"]["root"] == "/proc/" + std::to_string(pid) + "/root");
  CHECK(m["paths"].contains("/var/www/html/hello.txt"));  // as the container sees it
}

TEST_CASE("container errors: exits at once, no runtime, readiness timeout", "[container][errors]") {
  std::string rootfs = image_rootfs("nginx");
  test::TempDir work;
  SECTION("a container that exits at once") {
    auto r = test::run_pare({"slim", "--from", rootfs, "-o", work / "out", "--ready-tcp", "127.0.0.1:8080", "--",
                             "/bin/false"});
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Catch::Contains("exited before it was ready"));
    CHECK_FALSE(fs::exists(work / "out"));
  }
  SECTION("no runtime") {
    auto r = test::run_pare({"slim", "--from", rootfs, "-o", work / "out", "--runtime", "/nonexistent/runc",
                             "--http-probe", "http://127.0.0.1:8080/", "--", "/bin/true"});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("apt-get install runc"));
  }
  SECTION("a readiness timeout keeps the partial manifest apart") {
    TestBundle b(rootfs, work.path(), test::running({"/bin/sleep", "30"}));
    auto r = test::run_pare({"record", "--bundle", b.dir, "-o", work / "m.json", "--ready-tcp", "127.0.0.1:1",
                             "--ready-timeout", "2"});
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Catch::Contains("not ready after 2s"));
    CHECK_FALSE(fs::exists(work / "m.json"));
    CHECK(fs::exists(work / "m.partial.json"));
  }
}
