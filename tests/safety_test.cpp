// Never harm the host, never lose a recording (issue 7), end to end with the
// pare binary as root: odd names through every format, outputs that are
// devices or inside the source, --force on a mount point, and Ctrl-C at each
// phase leaving nothing behind.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "common/name_encoding.h"
#include "manifest/manifest.h"
#include "support/run_pare.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

// Scratch a command may leave: temporaries of outputs and build work dirs.
std::vector<std::string> scratch_in(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    if (n.find(".tmp-") != std::string::npos || n.find(".pare-tmp-") != std::string::npos) out.push_back(n);
  }
  return out;
}

std::string small_manifest(const test::TempDir& d, const std::vector<std::string>& paths) {
  pare::Manifest m;
  m.tool_version = "test";
  m.started_at = m.ended_at = "2026-11-28T20:00:00.000Z";
  for (auto& p : paths) {
    m.paths[p].type = "file";
    m.paths[p].kinds = {"read"};
    m.paths[p].why = {"traced"};
  }
  return d.write("m.json", pare::manifest_to_string(m));
}

// Runs pare in the background stalled at PHASE (see common/interrupt.h),
// sends SIG once it is there, returns its exit code.
int interrupt_at(const std::string& phase, int sig, const std::vector<std::string>& args, const test::TempDir& d) {
  std::string mark = d / ("stalled-" + phase);
  setenv("PARE_TEST_STALL", phase.c_str(), 1);
  setenv("PARE_TEST_STALL_MARK", mark.c_str(), 1);
  std::vector<std::string> argv = {PARE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  test::Background pare(argv);
  unsetenv("PARE_TEST_STALL");
  unsetenv("PARE_TEST_STALL_MARK");
  for (int i = 0; i < 3000 && !fs::exists(mark); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(fs::exists(mark));
  kill(pare.pid(), sig);
  return pare.wait();
}

}  // namespace

TEST_CASE("odd file names survive record, events, manifest, merge, diff and build", "[safety][names]") {
  test::TempDir d;
  std::string odd = "caf\xe9 %41 \"q\" \\ \nnl";
  d.write("src/data/" + odd, "payload");
  std::string script = "cat " + d.path() + "/src/data/* >/dev/null; cat '" + d.path() + "/src/data/nope\xff' 2>/dev/null; true";
  auto r = test::run_pare({"record", "--no-closure", "-o", d / "rec.json", "--events", d / "ev.jsonl", "--",
                           "/bin/sh", "-c", script});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  pare::Manifest m = pare::read_manifest_file(d / "rec.json");
  std::string full = d.path() + "/src/data/" + odd;
  CHECK(m.paths.count(full));
  CHECK(m.missing.count(d.path() + "/src/data/nope\xff"));
  CHECK(m.target.command[2] == script);
  // The encoded manifest is still valid against the published schema.
  auto schema = test::run({"/usr/bin/python3", "-c",
                           "import json,sys,jsonschema\n"
                           "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))\n",
                           std::string(PARE_SOURCE_DIR) + "/manifests/schema.json", d / "rec.json"});
  CHECK(schema.exit_code == 0);
  // pare manifest --include over the same odd names.
  auto inc = test::run_pare({"manifest", "--rootfs", d / "src", "--include", "/data/**", d / "rec.json", "-o", d / "inc.json"});
  REQUIRE(inc.exit_code == 0);
  CHECK(pare::read_manifest_file(d / "inc.json").paths.count("/data/" + odd));
  std::string events = test::slurp(d / "ev.jsonl");
  CHECK(events.find(json(pare::encode_name(full)).dump()) != std::string::npos);

  auto merged = test::run_pare({"merge", d / "rec.json", d / "rec.json", "-o", d / "merged.json"});
  REQUIRE(merged.exit_code == 0);
  CHECK(test::slurp(d / "merged.json") == test::slurp(d / "rec.json"));
  auto diff = test::run_pare({"diff", "--json", "--exit-code", d / "merged.json", d / "rec.json"});
  CHECK(diff.exit_code == 0);

  // Build from the source tree: the recorded paths are absolute on the host, so use "/" minus noise:
  // a manifest of just the odd file, built from the temp dir as the root.
  std::string rel = "/data/" + odd;
  auto b = test::run_pare({"build", "--manifest", small_manifest(d, {rel}), "--from", d / "src", "-o", d / "out",
                           "--report", d / "report.json"});
  INFO(b.err);
  REQUIRE(b.exit_code == 0);
  CHECK(test::slurp(d / ("out/data/" + odd)) == "payload");
  CHECK(json::parse(test::slurp(d / "report.json")).is_object());
}

TEST_CASE("record -o naming a directory fails before the target runs", "[safety][outputs]") {
  test::TempDir d;
  d.mkdir("dir");
  auto r = test::run_pare({"record", "-o", d / "dir", "--", "/usr/bin/touch", d / "ran"});
  CHECK(r.exit_code == 2);
  CHECK(lines(r.err) == 1);
  CHECK_FALSE(fs::exists(d / "ran"));
  auto e = test::run_pare({"record", "-o", d / "m.json", "--events", d / "m.json", "--", "/usr/bin/touch", d / "ran"});
  CHECK(e.exit_code == 2);
  CHECK_FALSE(fs::exists(d / "ran"));
}

TEST_CASE("device outputs of record and merge stay devices", "[safety][outputs]") {
  test::TempDir d;
  std::string null = d / "null";
  REQUIRE(mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  std::string null2 = d / "null2";
  REQUIRE(mknod(null2.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  auto r = test::run_pare({"record", "-o", null, "--events", null2, "--", "/bin/true"});
  CHECK(r.exit_code == 0);
  auto m = test::run_pare({"merge", small_manifest(d, {"/x"}), "-o", null});
  CHECK(m.exit_code == 0);
  struct stat st {};
  REQUIRE(lstat(null.c_str(), &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  REQUIRE(lstat(null2.c_str(), &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK(scratch_in(d.path()).empty());
}

TEST_CASE("strict option values: nan, inf and huge numbers are refused in one line", "[safety][options]") {
  for (std::string v : {"nan", "inf", "1e400", "-1", "0x10", "5s"}) {
    auto r = test::run_pare({"record", "--duration", v, "--", "/bin/true"});
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.size() < 200);
  }
}

TEST_CASE("build --force refuses a mount point and keeps its content", "[safety][build]") {
  test::TempDir d;
  d.write("src/f", "x");
  d.mkdir("mnt");
  REQUIRE(mount("tmpfs", (d / "mnt").c_str(), "tmpfs", 0, "size=1m") == 0);
  d.write("mnt/keep", "precious");
  auto r = test::run_pare({"build", "--manifest", small_manifest(d, {"/f"}), "--from", d / "src", "-o", d / "mnt", "--force"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("mount point") != std::string::npos);
  CHECK(test::slurp(d / "mnt/keep") == "precious");
  umount((d / "mnt").c_str());
}

TEST_CASE("build --force replaces OUT in one step and leaves no scratch", "[safety][build]") {
  test::TempDir d;
  d.write("src/f", "new");
  d.write("out/old", "old");
  std::string m = small_manifest(d, {"/f"});
  auto no_force = test::run_pare({"build", "--manifest", m, "--from", d / "src", "-o", d / "out"});
  CHECK(no_force.exit_code == 2);
  CHECK(fs::exists(d / "out/old"));
  auto r = test::run_pare({"build", "--manifest", m, "--from", d / "src", "-o", d / "out", "--force"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(test::slurp(d / "out/f") == "new");
  CHECK_FALSE(fs::exists(d / "out/old"));
  CHECK(scratch_in(d.path()).empty());
}

TEST_CASE("an OUT reaching into the source through a symlink is refused, the source untouched", "[safety][build]") {
  test::TempDir d;
  d.write("src/f", "x");
  d.write("src/sub/g", "y");
  d.symlink("alias", "src");
  std::string m = small_manifest(d, {"/f"});
  for (std::string out : {d / "alias", d / "alias/sub", d.path() + "/alias/../src", d.path()}) {
    auto r = test::run_pare({"build", "--manifest", m, "--from", d / "src", "-o", out, "--force"});
    INFO(out << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
  }
  // A bind mount of the source elsewhere is the same directory.
  d.mkdir("bind");
  REQUIRE(mount((d / "src").c_str(), (d / "bind").c_str(), nullptr, MS_BIND, nullptr) == 0);
  auto r = test::run_pare({"build", "--manifest", m, "--from", d / "src", "-o", d / "bind/out"});
  CHECK(r.exit_code == 2);
  umount((d / "bind").c_str());
  CHECK(test::slurp(d / "src/f") == "x");
  CHECK(test::slurp(d / "src/sub/g") == "y");
}

TEST_CASE("a bad --report is refused before the build, and never inside OUT", "[safety][build]") {
  test::TempDir d;
  d.write("src/f", "x");
  std::string m = small_manifest(d, {"/f"});
  auto r = test::run_pare({"build", "--manifest", m, "--from", d / "src", "-o", d / "out", "--report", d / "no/r.json"});
  CHECK(r.exit_code == 2);
  CHECK_FALSE(fs::exists(d / "out"));
  auto in = test::run_pare({"build", "--manifest", m, "--from", d / "src", "-o", d / "out", "--report", d / "out/r.json"});
  CHECK(in.exit_code == 2);
  auto same = test::run_pare({"build", "--manifest", m, "--from", d / "src", "-o", d / "out", "--report", m});
  CHECK(same.exit_code == 2);
  CHECK(test::slurp(m).find("\"paths\"") != std::string::npos);
  CHECK_FALSE(fs::exists(d / "out"));
}

TEST_CASE("build: an --env value that is not UTF-8 is refused with one line", "[safety][names]") {
  test::TempDir d;
  d.write("src/f", "x");
  auto r = test::run_pare({"build", "--manifest", small_manifest(d, {"/f"}), "--from", d / "src", "-o", d / "out",
                           "--format", "oci", "--env", "K=\xff"});
  CHECK(r.exit_code == 2);
  CHECK(lines(r.err) == 1);
  CHECK_FALSE(fs::exists(d / "out"));
}

TEST_CASE("Ctrl-C while recording keeps the partial manifest and stops the target", "[safety][signals]") {
  test::TempDir d;
  test::Background pare({PARE_BIN, "record", "-o", d / "m.json", "--", "/bin/sh", "-c",
                         "echo $$ > " + d.path() + "/pid; exec sleep 60"});
  for (int i = 0; i < 500 && !fs::exists(d / "pid"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pare.pid(), SIGINT);
  CHECK(pare.wait() == 130);
  CHECK(fs::exists(d / "m.partial.json"));
  CHECK_FALSE(fs::exists(d / "m.json"));
  auto m = pare::read_manifest_file(d / "m.partial.json");
  CHECK_FALSE(m.complete);
  pid_t target = std::stoi(test::slurp(d / "pid"));
  CHECK(kill(target, 0) != 0);  // the target is gone
  CHECK(scratch_in(d.path()).empty());
}

TEST_CASE("SIGTERM during record's closure keeps the traced manifest as partial", "[safety][signals]") {
  test::TempDir d;
  int code = interrupt_at("record-closure", SIGTERM, {"record", "-o", d / "m.json", "--", "/bin/true"}, d);
  CHECK(code == 143);
  auto m = pare::read_manifest_file(d / "m.partial.json");
  CHECK_FALSE(m.complete);
  CHECK_FALSE(fs::exists(d / "m.json"));
  CHECK(scratch_in(d.path()).empty());
}

TEST_CASE("Ctrl-C during build, manifest and merge leaves no output and no scratch", "[safety][signals]") {
  test::TempDir d;
  d.write("src/f", "x");
  std::string m = small_manifest(d, {"/f"});
  for (std::string phase : {"build-copy", "build-publish"}) {
    int code = interrupt_at(phase, SIGINT, {"build", "--manifest", m, "--from", d / "src", "-o", d / "out", "--report",
                                            d / "r.json"}, d);
    CHECK(code == 130);
    CHECK_FALSE(fs::exists(d / "out"));
    CHECK_FALSE(fs::exists(d / "r.json"));
    CHECK(scratch_in(d.path()).empty());
  }
  int code = interrupt_at("manifest-closure", SIGINT, {"manifest", "--rootfs", d / "src", m, "-o", d / "c.json"}, d);
  CHECK(code == 130);
  CHECK_FALSE(fs::exists(d / "c.json"));
  CHECK(scratch_in(d.path()).empty());
}

TEST_CASE("a stopped recording also kills a daemon that left the process group", "[safety][signals]") {
  test::TempDir d;
  // setsid: the daemon is in another session and process group, but in scope.
  auto r = test::run_pare({"record", "-o", d / "m.json", "--duration", "1", "--stop-timeout", "1", "--", "/bin/sh", "-c",
                           "setsid sh -c 'trap \"\" TERM; echo $$ > " + d.path() + "/daemon; exec sleep 120' & wait"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  REQUIRE(fs::exists(d / "daemon"));
  pid_t daemon = std::stoi(test::slurp(d / "daemon"));
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = kill(daemon, 0) != 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(gone);
}
