// Syscall sets and seccomp profiles (issue 9, items 2-3), as root with real
// probes and runc: the recorder's per-scope syscall bitmap, its merge/diff,
// `pare seccomp`, and a container running under its generated profile where
// a syscall the recording never made fails with EPERM.
#include <catch2/catch.hpp>
#include <filesystem>

#include "container/bundle.h"
#include "manifest/manifest.h"
#include "slim/overlay.h"
#include "support/run_pare.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string image_rootfs(const std::string& name) {
  auto r = test::run({std::string(PARE_SOURCE_DIR) + "/tools/images/make-image", "--check", name});
  INFO("test image " << name << " is not built: run tools/images/make-image " << name);
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, r.out.find('\n'));
}

// Runs ARGS in a runc container on an overlay of ROOTFS, under PROFILE when
// it is not null; returns the container's exit code and output.
test::RunResult run_container(const std::string& rootfs, const test::TempDir& work, const std::string& name,
                              std::vector<std::string> args, const json& profile) {
  pare::OverlayMount overlay(rootfs, work / (name + "-ov"));
  pare::ContainerSpec spec;
  spec.rootfs = overlay.merged();
  spec.args = std::move(args);
  spec.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  spec.seccomp = profile;
  pare::write_bundle(work / (name + "-bundle"), spec);
  return test::run({"/usr/sbin/runc", "run", "--bundle", work / (name + "-bundle"), "pare-seccomp-" + name});
}

}  // namespace

TEST_CASE("a recording holds the syscalls its scope made, by name", "[seccomp]") {
  auto m = test::record({"/bin/cat", "/etc/hostname"}, {"--no-closure"});
  REQUIRE(m.contains("syscalls"));
  auto has = [&](const char* s) { return m["syscalls"].dump().find(std::string("\"") + s + "\"") != std::string::npos; };
  for (auto s : {"openat", "execve", "read", "mmap", "close"}) CHECK(has(s));
  CHECK_FALSE(has("personality"));
  CHECK_FALSE(has("mlock"));
}

TEST_CASE("syscall sets merge by union and diff like paths", "[seccomp]") {
  test::TempDir d;
  pare::Manifest a, b;
  for (auto* m : {&a, &b}) {
    m->tool_version = "t";
    m->started_at = m->ended_at = "2026-11-29T00:00:00.000Z";
  }
  a.syscalls = std::set<std::string>{"read", "write"};
  b.syscalls = std::set<std::string>{"read", "mlock"};
  d.write("a.json", pare::manifest_to_string(a));
  d.write("b.json", pare::manifest_to_string(b));
  auto merged = test::run_pare({"merge", d / "a.json", d / "b.json"});
  REQUIRE(merged.exit_code == 0);
  CHECK(json::parse(merged.out)["syscalls"] == json::array({"mlock", "read", "write"}));
  auto diff = test::run_pare({"diff", "--json", d / "a.json", d / "b.json"});
  auto j = json::parse(diff.out);
  CHECK(j["syscalls"]["added"] == json::array({"mlock"}));
  CHECK(j["syscalls"]["removed"] == json::array({"write"}));
}

TEST_CASE("pare seccomp refuses manifests without syscalls or with unknown names", "[seccomp]") {
  test::TempDir d;
  pare::Manifest m;
  m.tool_version = "t";
  m.started_at = m.ended_at = "2026-11-29T00:00:00.000Z";
  d.write("none.json", pare::manifest_to_string(m));
  auto none = test::run_pare({"seccomp", d / "none.json"});
  CHECK(none.exit_code == 4);
  CHECK(none.err.find("no syscall set") != std::string::npos);
  m.syscalls = std::set<std::string>{"read", "no_such_call"};
  d.write("bad.json", pare::manifest_to_string(m));
  auto bad = test::run_pare({"seccomp", d / "bad.json", "-o", d / "p.json"});
  CHECK(bad.exit_code == 4);
  CHECK(bad.err.find("no_such_call") != std::string::npos);
  CHECK_FALSE(fs::exists(d / "p.json"));
}

TEST_CASE("a container runs under its generated profile - an unrecorded syscall fails with EPERM", "[seccomp][container]") {
  std::string rootfs = image_rootfs("shellapp");
  test::TempDir work;
  std::vector<std::string> app = {"/bin/sh", "-c", "cat /etc/shellapp.conf >/dev/null && echo ok"};
  // Record the app in its container, then make its profile.
  {
    pare::OverlayMount overlay(rootfs, work / "rec-ov");
    pare::ContainerSpec spec;
    spec.rootfs = overlay.merged();
    spec.args = app;
    spec.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
    pare::write_bundle(work / "rec-bundle", spec);
    auto r = test::run_pare({"record", "--bundle", work / "rec-bundle", "-o", work / "m.json", "--app-log", work / "rec.log"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  auto p = test::run_pare({"seccomp", work / "m.json", "-o", work / "profile.json"});
  INFO(p.err);
  REQUIRE(p.exit_code == 0);
  json profile = json::parse(test::slurp(work / "profile.json"));
  CHECK(profile["defaultAction"] == "SCMP_ACT_ERRNO");
  CHECK(profile["architectures"] == json::array({"SCMP_ARCH_X86_64"}));

  auto same = run_container(rootfs, work, "same", app, profile);
  INFO(same.err);
  CHECK(same.exit_code == 0);
  CHECK(same.out == "ok\n");
  // nice calls setpriority, which the app never did: EPERM, and nice says so.
  auto other = run_container(rootfs, work, "other", {"/bin/sh", "-c", "nice -n 5 /bin/true; echo done"}, profile);
  CHECK(other.err.find("Operation not permitted") != std::string::npos);
  // Without the profile the same command is fine: the EPERM came from the filter.
  auto free = run_container(rootfs, work, "free", {"/bin/sh", "-c", "nice -n 5 /bin/true; echo done"}, nullptr);
  CHECK(free.err.find("Operation not permitted") == std::string::npos);
}

TEST_CASE("slim --seccomp: the profile beside the image, the verify run under it", "[seccomp][container][slim]") {
  std::string rootfs = image_rootfs("nginx");
  test::TempDir work;
  const std::string tools = std::string(PARE_SOURCE_DIR) + "/tools/images";
  // Host-side check during the verify run: the container's init has a seccomp filter (mode 2).
  const std::string filtered =
      "pid=$(\"$PARE_RUNTIME\" state \"$PARE_CONTAINER_ID\" | sed -n 's/.*\"pid\": *\\([0-9]*\\).*/\\1/p'); "
      "grep -Eq '^Seccomp:[[:space:]]+2' /proc/$pid/status";
  auto r = test::run_pare({"slim", "--from", rootfs, "-o", work / "out/", "--seccomp", "--report", work / "report.json",
                           "--ready-tcp", "127.0.0.1:8080", "--traffic", tools + "/nginx.traffic", "--include",
                           "/var/www/html/**", "--verify-traffic", filtered, "--", "/usr/sbin/nginx", "-g",
                           "daemon off;"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("verify         passed"));
  CHECK_THAT(r.out, Catch::Contains(work / "out.seccomp.json"));
  json profile = json::parse(test::slurp(work / "out.seccomp.json"));
  CHECK(profile["defaultAction"] == "SCMP_ACT_ERRNO");
  auto names = profile["syscalls"][0]["names"];
  for (auto s : {"accept4", "epoll_wait", "openat", "execve"}) {
    INFO(s);
    CHECK(std::find(names.begin(), names.end(), s) != names.end());
  }
  CHECK(std::find(names.begin(), names.end(), "personality") == names.end());
  auto report = json::parse(test::slurp(work / "report.json"));
  CHECK(report["seccomp"] == work / "out.seccomp.json");
  CHECK_FALSE(fs::exists(work / "out/out.seccomp.json"));  // beside the image, never in it
}
