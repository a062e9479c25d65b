// pare with podman (root, podman from tools/setup, the nginx test image):
// slim of the image as `podman save` writes it in each format and straight
// from podman's store, the minimal image loaded back into podman serving the
// test traffic; `record --container` of a podman-started container against
// `record --bundle` of the same image; a container that is stopped or absent.
// Every test runs in a private podman store (support/podman_store.h).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "support/podman_store.h"
#include "support/run_pare.h"
#include "support/test_images.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kTools = test::images_dir();
const std::string kFat = "localhost/pare-nginx:fat";
const std::vector<std::string> kNginx = {"/usr/sbin/nginx", "-g", "daemon off;"};

std::string unique(const std::string& what) { return "pare-test-" + what + "-" + std::to_string(getpid()); }

// SRC slimmed by pare under the nginx traffic into OUT as FORMAT (plus EXTRA
// options); returns pare's stdout.
std::string slim(const test::PodmanStore& s, const test::TempDir& work, const std::string& src, const std::string& format,
                 const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"slim", "--from", src, "-o", work / "slim.out", "--format", format,
                                   "--tag", "localhost/pare-nginx:slim", "--report", work / "report.json",
                                   "--ready-tcp", "127.0.0.1:8080", "--traffic", kTools + "/nginx.traffic"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("--");
  args.insert(args.end(), kNginx.begin(), kNginx.end());
  auto r = test::run_pare(args, s.env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("verify         passed"));
  auto report = json::parse(test::slurp(work / "report.json"));
  CHECK(report["before"]["bytes"].get<double>() / report["after"]["bytes"].get<double>() >= 10);
  return r.out;
}

// IMAGE run by podman (host network) serves the nginx test traffic.
void serves_traffic(const test::PodmanStore& s, const std::string& image) {
  std::string name = unique("slim");
  s.run_detached(name, image, kNginx);
  auto traffic = test::run({kTools + "/nginx.traffic"});
  INFO(traffic.err << "\npodman logs: " << s.podman({"logs", name}).err);
  CHECK(traffic.exit_code == 0);
  s.podman({"rm", "--force", "--time", "0", name});
}

// `podman load -i FILE` into S; the loaded image's name or id.
std::string podman_load(const test::PodmanStore& s, const std::string& file) {
  auto r = s.podman({"load", "-i", file});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return test::PodmanStore::loaded_image(r.out);
}

std::set<std::string> path_set(const json& m) {
  std::set<std::string> out;
  for (auto& [p, e] : m["paths"].items()) out.insert(p);
  return out;
}

// What a runtime puts into a container that is not the image's: the files
// podman bind-mounts (/etc/hosts, /etc/hostname, /etc/resolv.conf,
// /run/.containerenv) and the kernel's pseudo filesystems.
bool runtime_file(const std::string& p) {
  for (const char* f : {"/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/run/.containerenv"})
    if (p == f) return true;
  for (const char* d : {"/proc", "/sys", "/dev"})
    if (p == d || p.rfind(std::string(d) + "/", 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("podman save --format oci-archive: slim of the bare tar, podman load runs it", "[container][podman][slim]") {
  test::PodmanStore s;
  test::TempDir work;
  s.import(test::image_rootfs("nginx"), kFat);
  REQUIRE(s.podman({"save", "--format", "oci-archive", "-o", work / "fat.tar", kFat}).exit_code == 0);
  slim(s, work, work / "fat.tar", "oci-archive");  // detected as an oci-archive: no prefix
  serves_traffic(s, podman_load(s, work / "slim.out"));
}

TEST_CASE("podman save --format oci-dir: slim of oci:DIR, --load podman runs it", "[container][podman][slim]") {
  test::PodmanStore s;
  test::TempDir work;
  s.import(test::image_rootfs("nginx"), kFat);
  // Uncompressed layers (application/vnd.oci.image.layer.v1.tar): a second
  // layer type, and no gzip round trip for the test to wait on.
  REQUIRE(s.podman({"save", "--format", "oci-dir", "--uncompressed", "-o", work / "fat", kFat}).exit_code == 0);
  std::string out = slim(s, work, "oci:" + work / "fat", "docker-archive", {"--load", "podman"});
  // The table names the image podman now has.
  size_t at = out.find("podman image");
  REQUIRE(at != std::string::npos);
  std::string id = out.substr(at + 15, out.find('\n', at) - at - 15);
  CHECK(id.size() == 64);
  CHECK(s.podman({"image", "exists", id}).exit_code == 0);
  serves_traffic(s, id);
}

TEST_CASE("podman save --format docker-archive: slim to a docker-archive that podman load takes", "[container][podman][slim]") {
  test::PodmanStore s;
  test::TempDir work;
  s.import(test::image_rootfs("nginx"), kFat);
  REQUIRE(s.podman({"save", "--format", "docker-archive", "-o", work / "fat.tar", kFat}).exit_code == 0);
  slim(s, work, "docker-archive:" + work / "fat.tar", "docker-archive");
  std::string loaded = podman_load(s, work / "slim.out");
  CHECK(loaded == "localhost/pare-nginx:slim");  // the NAME:TAG given as --tag
  serves_traffic(s, loaded);
}

TEST_CASE("slim straight from podman's store: podman:NAME, --load podman", "[container][podman][slim]") {
  test::PodmanStore s;
  test::TempDir work;
  s.import(test::image_rootfs("nginx"), kFat);
  auto r = test::run_pare({"slim", "--from", "podman:" + kFat, "-o", work / "slim.tar", "--load", "podman",
                           "--tag", "localhost/pare-nginx:slim", "--ready-tcp", "127.0.0.1:8080", "--traffic",
                           kTools + "/nginx.traffic", "--", kNginx[0], kNginx[1], kNginx[2]},
                          s.env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("podman image"));
  // The default format with --load is a docker-archive; the export scratch is gone.
  CHECK(fs::is_regular_file(work / "slim.tar"));
  for (auto& e : fs::directory_iterator(work.path())) CHECK(e.path().filename() == "slim.tar");
  serves_traffic(s, "localhost/pare-nginx:slim");
}

TEST_CASE("containers-storage through skopeo when podman is not installed - a missing image is exit 4", "[container][podman]") {
  test::PodmanStore s;
  test::TempDir work;
  work.write("tiny/hello", "hi\n");
  s.import(work / "tiny", "localhost/pare-tiny:1");
  auto m = test::run_pare({"manifest", "--rootfs", work / "tiny", "--include", "/hello",
                           std::string(PARE_SOURCE_DIR) + "/tests/data/empty-manifest.json", "-o", work / "m.json"});
  REQUIRE(m.exit_code == 0);
  // A PATH with skopeo and no podman.
  fs::create_directories(work / "bin");
  fs::create_symlink("/usr/bin/skopeo", work / "bin/skopeo");
  std::map<std::string, std::string> env = s.env();
  env["PATH"] = work / "bin";
  auto r = test::run_pare({"build", "--manifest", work / "m.json", "--from", "containers-storage:localhost/pare-tiny:1",
                           "-o", work / "out", "--format", "dir"},
                          env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(test::slurp(work / "out/hello") == "hi\n");
  auto missing = test::run_pare({"build", "--manifest", work / "m.json", "--from", "containers-storage:localhost/nope:1",
                                 "-o", work / "out2"},
                                env);
  CHECK(missing.exit_code == 4);
  CHECK_THAT(missing.err, Catch::Contains("skopeo cannot export it"));
  CHECK_FALSE(fs::exists(work / "out2"));
  // With podman: asked before anything is exported.
  auto absent = test::run_pare({"build", "--manifest", work / "m.json", "--from", "podman:localhost/nope:1", "-o",
                                work / "out2"},
                               s.env());
  CHECK(absent.exit_code == 4);
  CHECK_THAT(absent.err, Catch::Contains("podman:localhost/nope:1: no such image in podman's storage"));
  CHECK(std::count(absent.err.begin(), absent.err.end(), '\n') == 1);
  CHECK_FALSE(fs::exists(work / "out2"));
}

TEST_CASE("record --container of a podman nginx: the app's paths as record --bundle sees them, nothing of podman",
          "[container][podman]") {
  test::PodmanStore s;
  test::TempDir work;
  std::string rootfs = test::image_rootfs("nginx");
  s.import(rootfs, kFat);
  // The same traffic for both: a reload (nginx reads its configuration and
  // starts new workers, as at start-up) through the runtime's exec, then requests.
  std::string traffic = "\"$PARE_RUNTIME\" exec \"$PARE_CONTAINER_ID\" /usr/sbin/nginx -s reload && sleep 1 && " +
                        kTools + "/nginx.traffic";

  std::string name = unique("nginx");
  s.run_detached(name, kFat, kNginx);
  REQUIRE(test::run({kTools + "/nginx.traffic"}).exit_code == 0);  // up before pare attaches
  auto pid = s.podman({"container", "inspect", "--format", "{{.State.Pid}}", name});
  auto c = test::run_pare({"record", "--container", name, "-o", work / "container.json", "--traffic", traffic}, s.env());
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  // pare detached: the container runs on.
  CHECK(s.podman({"container", "inspect", "--format", "{{.State.Running}}", name}).out == "true\n");
  // audit --container shares the target: a `podman exec` of a program the
  // recording never saw is a finding in the container's scope.
  auto a = test::run_pare({"audit", "--manifest", work / "container.json", "--container", name, "--traffic",
                           "\"$PARE_RUNTIME\" exec \"$PARE_CONTAINER_ID\" /usr/bin/cat /etc/debian_version >/dev/null"},
                          s.env());
  INFO(a.err);
  CHECK(a.exit_code == 1);
  bool cat_found = false;
  for (size_t at = 0, nl; at < a.out.size(); at = nl + 1) {
    nl = a.out.find('\n', at);
    json f = json::parse(a.out.substr(at, nl - at));
    CHECK(f["scope"]["target"] == "container");
    CHECK(f["scope"]["container"] == name);
    cat_found |= f["kind"] == "exec" && f["path"] == "/usr/bin/cat";
  }
  CHECK(cat_found);
  s.podman({"rm", "--force", "--time", "0", name});

  test::TestBundle b(rootfs, work.path(), test::running(kNginx));
  auto u = test::run_pare({"record", "--bundle", b.dir, "-o", work / "bundle.json", "--app-log", work / "app.log",
                           "--ready-http", "http://127.0.0.1:8080/", "--traffic", traffic});
  INFO(u.err);
  REQUIRE(u.exit_code == 0);

  json cm = json::parse(test::slurp(work / "container.json"));
  json bm = json::parse(test::slurp(work / "bundle.json"));
  CHECK(cm["target"]["root"] == "/proc/" + pid.out.substr(0, pid.out.find('\n')) + "/root");
  CHECK(std::to_string(cm["target"]["pid"].get<int>()) + "\n" == pid.out);
  // Only the app: not conmon, podman or the runtime, not the host's traffic scripts.
  for (auto& [exe, p] : cm["processes"].items()) CHECK(exe == "/usr/sbin/nginx");
  for (const std::string& p : path_set(cm)) {
    INFO(p);
    for (const char* host : {"conmon", "podman", "libpod", "containers/storage", "runc", "crun", "python"})
      CHECK(p.find(host) == std::string::npos);
  }
  std::set<std::string> app_c, app_b;
  for (const std::string& p : path_set(cm))
    if (!runtime_file(p)) app_c.insert(p);
  for (const std::string& p : path_set(bm))
    if (!runtime_file(p)) app_b.insert(p);
  std::vector<std::string> only_c, only_b;
  std::set_difference(app_c.begin(), app_c.end(), app_b.begin(), app_b.end(), std::back_inserter(only_c));
  std::set_difference(app_b.begin(), app_b.end(), app_c.begin(), app_c.end(), std::back_inserter(only_b));
  INFO("only with --container: " << json(only_c).dump() << "\nonly with --bundle: " << json(only_b).dump());
  CHECK(only_c.empty());
  CHECK(only_b.empty());
  for (const char* p : {"/usr/sbin/nginx", "/etc/nginx/nginx.conf", "/var/www/html/hello.txt"}) CHECK(app_c.count(p));
  CHECK(app_c.size() >= 40);  // the binary, its libraries, the configuration, the site: not a trivial match
}

TEST_CASE("record --container: a stopped or missing container is one line and exit 5", "[container][podman][errors]") {
  test::PodmanStore s;
  test::TempDir work;
  SECTION("no such container") {
    auto r = test::run_pare({"record", "--container", unique("absent"), "-o", work / "m.json"}, s.env());
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Catch::Contains("no container " + unique("absent") + " in podman"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_FALSE(fs::exists(work / "m.json"));
    auto a = test::run_pare({"audit", "--manifest", std::string(PARE_SOURCE_DIR) + "/tests/data/empty-manifest.json",
                             "--container", unique("absent")},
                            s.env());
    CHECK(a.exit_code == 5);
  }
  SECTION("created, never started") {
    work.write("tiny/hello", "hi\n");
    s.import(work / "tiny", "localhost/pare-tiny:1");
    REQUIRE(s.podman({"create", "--name", unique("stopped"), "localhost/pare-tiny:1", "/hello"}).exit_code == 0);
    auto r = test::run_pare({"record", "--container", unique("stopped"), "--runtime-cli", "podman"}, s.env());
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Catch::Contains("is not running (podman says status created)"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  SECTION("other CLIs: crictl that knows no such container, ctr not installed") {
    // A stand-in crictl that fails like the real one for an unknown id.
    work.write("bin/crictl", "#!/bin/sh\necho 'level=fatal msg=\"no such container\"' >&2\nexit 1\n", 0755);
    std::map<std::string, std::string> env = s.env();
    env["PATH"] = work / "bin" + ":/usr/sbin:/usr/bin:/sbin:/bin";
    auto r = test::run_pare({"record", "--container", "web", "--runtime-cli", "crictl"}, env);
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Catch::Contains("no container web in crictl"));
    auto ctr = test::run_pare({"record", "--container", "web", "--runtime-cli", "ctr"}, {{"PATH", work / "bin"}});
    CHECK(ctr.exit_code == 3);
    CHECK_THAT(ctr.err, Catch::Contains("ctr is not installed"));
  }
  SECTION("options") {
    auto r = test::run_pare({"record", "--container", "x", "--pid", "1"});
    CHECK(r.exit_code == 2);
    auto cli = test::run_pare({"record", "--runtime-cli", "podman", "--pid", "1"});
    CHECK(cli.exit_code == 2);
  }
}
