// Bad input and a hostile environment: one clear line, a documented non-zero
// exit code, and no output file left behind (or an old one left intact).
#include <sys/stat.h>
#include <unistd.h>

#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <filesystem>

#include "support/run_pare.h"

namespace {

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

bool no_temporaries(const test::TempDir& d) {
  for (auto& e : std::filesystem::directory_iterator(d.path()))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return false;
  return true;
}

}  // namespace

TEST_CASE("an unknown option: one line, exit 2", "[errors]") {
  auto r = test::run_pare({"record", "--no-such-option", "--", "/usr/bin/true"});
  CHECK(r.exit_code == 2);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find("--no-such-option") != std::string::npos);
}

TEST_CASE("no target: exit 2", "[errors]") {
  auto r = test::run_pare({"record"});
  CHECK(r.exit_code == 2);
  CHECK(lines(r.err) == 1);
}

TEST_CASE("a command that does not exist: exit 5, no manifest written", "[errors]") {
  test::TempDir d;
  auto r = test::run_pare({"record", "-o", d / "m.json", "--", "no-such-command-xyz"});
  CHECK(r.exit_code == 5);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find("no-such-command-xyz") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d / "m.json"));
  CHECK(no_temporaries(d));
}

TEST_CASE("a failing run leaves an existing manifest as it was", "[errors]") {
  test::TempDir d;
  std::string old = d.write("m.json", "{\"old\": true}\n");
  auto r = test::run_pare({"record", "-o", old, "--", "/nonexistent/binary"});
  CHECK(r.exit_code == 5);
  CHECK(test::slurp(old) == "{\"old\": true}\n");
  CHECK(no_temporaries(d));
}

TEST_CASE("not root: exit 3 with the reason", "[errors]") {
  REQUIRE(geteuid() == 0);
  test::TempDir d;
  chmod(d.path().c_str(), 0777);
  // setpriv (util-linux) drops to nobody with no capabilities.
  auto r = test::run({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PARE_BIN, "record",
                      "-o", d / "m.json", "--", "/usr/bin/true"});
  CHECK(r.exit_code == 3);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find("root") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d / "m.json"));
}

TEST_CASE("no BTF: exit 3 naming the missing file", "[errors]") {
  test::TempDir d;
  auto r = test::run_pare({"record", "-o", d / "m.json", "--", "/usr/bin/true"},
                          {{"PARE_VMLINUX_BTF", "/nonexistent/vmlinux"}});
  CHECK(r.exit_code == 3);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find("BTF") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d / "m.json"));
}

TEST_CASE("record --pid of a process that does not exist: exit 5", "[errors]") {
  auto r = test::run_pare({"record", "--pid", "999999999"});
  CHECK(r.exit_code != 0);
  CHECK(lines(r.err) == 1);
}

TEST_CASE("an unwritable output directory fails before the target runs", "[errors]") {
  test::TempDir d;
  std::string flag = d / "ran";
  auto r = test::run_pare({"record", "-o", "/nonexistent-dir/m.json", "--", "/usr/bin/touch", flag});
  CHECK(r.exit_code == 2);  // a bad output path is a bad command line, found before anything runs
  CHECK(lines(r.err) == 1);
  CHECK_FALSE(std::filesystem::exists(flag));
}

TEST_CASE("help works on every command", "[errors]") {
  for (auto args : {std::vector<std::string>{"--help"}, std::vector<std::string>{"record", "--help"}}) {
    auto r = test::run_pare(args);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Usage") != std::string::npos);
  }
}

TEST_CASE("Ctrl-C during a long traffic command ends the recording promptly", "[errors]") {
  test::TempDir d;
  auto start = std::chrono::steady_clock::now();
  test::Background pare({PARE_BIN, "record", "-o", d / "m.json", "--stop-timeout", "1", "--traffic", "/bin/sleep 60",
                         "--", "/bin/sleep", "60"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(pare.pid(), SIGINT);
  int code = pare.wait();
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(code == 130);  // interrupted: the manifest so far is kept apart
  CHECK(took < 20);
  CHECK(std::filesystem::exists(d / "m.partial.json"));
  CHECK_FALSE(std::filesystem::exists(d / "m.json"));
}

TEST_CASE("an unknown rule pack fails before the target runs", "[errors]") {
  test::TempDir d;
  for (const char* opt : {"--rule", "--no-rule"}) {
    std::string flag = d / (std::string("ran") + opt);
    auto r = test::run_pare({"record", opt, "no-such-pack", "--", "/usr/bin/touch", flag});
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK_FALSE(std::filesystem::exists(flag));
  }
}
