// Runtime tests (root): pare record against real processes, one hard case of
// product.md each, asserted on the manifest it writes.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_pare.h"

using nlohmann::json;
using test::has_kind;

namespace {

std::string realpath_of(const std::string& p) { return std::filesystem::canonical(p).string(); }

std::string kinds_of(const json& m, const std::string& p) {
  auto it = m["paths"].find(p);
  return it == m["paths"].end() ? "<absent>" : (*it)["kinds"].dump();
}

void require_symlink(const json& m, const std::string& link, const std::string& target) {
  INFO("symlink " << link);
  REQUIRE(m["paths"].contains(link));
  CHECK(m["paths"][link]["type"] == "symlink");
  CHECK(m["paths"][link]["target"] == target);
}

}  // namespace

TEST_CASE("dynamic ELF: binary, PT_INTERP loader with its links, every library", "[record]") {
  test::TempDir d;
  json m = test::record({"/usr/bin/ls", d.path()});
  CHECK(m["complete"] == true);
  CHECK(has_kind(m, "/usr/bin/ls", "exec"));
  // The kernel maps the loader: no openat names it; pare reads PT_INTERP.
  std::string loader = realpath_of("/lib64/ld-linux-x86-64.so.2");
  INFO("loader " << loader << " kinds " << kinds_of(m, loader));
  CHECK(has_kind(m, loader, "elf-interp"));
  require_symlink(m, "/lib64", "usr/lib64");
  CHECK(m["paths"]["/usr/lib64/ld-linux-x86-64.so.2"]["type"] == "symlink");
  // DT_NEEDED of ls on Debian: libselinux and libc, both mapped executable.
  for (const char* lib : {"/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libselinux.so.1"}) {
    std::string real = realpath_of(lib);
    INFO(lib << " -> " << real << " kinds " << kinds_of(m, real));
    CHECK(has_kind(m, real, "mapped-exec"));
  }
  // Merged /usr: libraries are named through /lib -> usr/lib, so the link is kept.
  require_symlink(m, "/lib", "usr/lib");
  CHECK(m["processes"]["/usr/bin/ls"]["execs"] == 1);
}

TEST_CASE("symlink chains: /bin -> usr/bin and /usr/bin/sh -> dash are kept", "[record]") {
  test::TempDir d;
  std::string f = d.write("chain.txt", "x\n");
  json m = test::record({"/bin/sh", "-c", "cat " + f});
  require_symlink(m, "/bin", "usr/bin");
  require_symlink(m, "/usr/bin/sh", "dash");
  CHECK(has_kind(m, "/usr/bin/dash", "exec"));
  CHECK(has_kind(m, "/usr/bin/cat", "exec"));
  CHECK(has_kind(m, f, "read"));
}

TEST_CASE("#! script: the script and its interpreter", "[record]") {
  test::TempDir d;
  std::string data = d.write("script-data.txt", "x\n");
  std::string script = d.write("run.sh", "#!/bin/sh\ncat " + data + " >/dev/null\n", 0755);
  json m = test::record({script});
  CHECK(has_kind(m, script, "script"));
  CHECK(has_kind(m, "/usr/bin/dash", "interpreter"));
  CHECK(has_kind(m, "/usr/bin/dash", "exec"));
  require_symlink(m, "/bin", "usr/bin");
  require_symlink(m, "/usr/bin/sh", "dash");
  CHECK(has_kind(m, data, "read"));
  auto scripts = m["processes"]["/usr/bin/dash"]["scripts"];
  CHECK(std::find(scripts.begin(), scripts.end(), script) != scripts.end());
}

TEST_CASE("#!/usr/bin/env python3: env, the python3 link and python3.x", "[record]") {
  REQUIRE(access("/usr/bin/python3", X_OK) == 0);
  test::TempDir d;
  std::string data = d.write("py-data.txt", "x\n");
  std::string script = d.write("hello.py", "#!/usr/bin/env python3\nopen('" + data + "').read()\n", 0755);
  json m = test::record({script});
  std::string python = realpath_of("/usr/bin/python3");
  CHECK(has_kind(m, script, "script"));
  CHECK(has_kind(m, "/usr/bin/env", "interpreter"));
  CHECK(has_kind(m, "/usr/bin/env", "exec"));
  require_symlink(m, "/usr/bin/python3", std::filesystem::read_symlink("/usr/bin/python3").string());
  CHECK(has_kind(m, python, "exec"));
  CHECK(has_kind(m, data, "read"));
  CHECK(m["processes"].contains(python));
}

TEST_CASE("dlopen: the library loaded at run time and its soname link", "[record]") {
  test::TempDir d;
  json m = test::record({test::fixture(), "dlopen", d.path()});
  std::string real = realpath_of("/usr/lib/x86_64-linux-gnu/libz.so.1");
  INFO("libz " << real << " kinds " << kinds_of(m, real));
  CHECK(has_kind(m, real, "mapped-exec"));
  CHECK(m["paths"]["/usr/lib/x86_64-linux-gnu/libz.so.1"]["type"] == "symlink");
}

TEST_CASE("relative opens: openat with a dirfd, open after chdir with ..", "[record]") {
  test::TempDir d;
  std::string a = d.write("rel-dirfd.txt", "a");
  std::string b = d.write("rel-cwd.txt", "b");
  std::string sub = d.mkdir("sub");
  json m = test::record({test::fixture(), "relative", d.path()});
  CHECK(has_kind(m, a, "read"));
  CHECK(has_kind(m, b, "read"));
  CHECK(has_kind(m, sub, "checked"));  // chdir
  CHECK_FALSE(m["paths"].contains("/rel-dirfd.txt"));
  CHECK_FALSE(m["paths"].contains("/rel-cwd.txt"));
}

TEST_CASE("the same relative name from two directories keeps both symlink chains", "[record]") {
  test::TempDir d;
  std::string shared = d.write("real/shared.txt", "x");
  d.mkdir("app1");
  d.mkdir("app2");
  d.symlink("app1/lib", "../real");
  d.symlink("app2/lib", "../real");
  json m = test::record({test::fixture(), "relsymlink", d.path()});
  CHECK(has_kind(m, shared, "read"));
  require_symlink(m, d / "app1/lib", "../real");
  require_symlink(m, d / "app2/lib", "../real");
}

TEST_CASE("a directory renamed between lookups in it: every record has the path it had then", "[record]") {
  test::TempDir d;
  for (const char* f : {"old/sub/f1", "old/sub/f2", "old/sub/f3"}) d.write(f, "x");
  auto r = test::run_pare({"record", "-o", d / "m.json", "--events", d / "e.jsonl", "--", test::fixture(),
                           "renamedir", d.path()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::map<std::string, std::string> open_path, stat_base;
  std::istringstream lines(test::slurp(d / "e.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    auto ev = json::parse(line);
    if (!ev.contains("raw") || ev["comm"] != "pare_fixture") continue;
    std::string raw = ev["raw"];
    if (ev["type"] == "open" && ev["syscall"] == 257) open_path[raw] = ev.value("path", "");
    if (ev["type"] == "check") stat_base[raw] = ev.value("base", "");
  }
  // Before any rename, after the ancestor's, after the directory's own.
  CHECK(open_path["f1"] == d / "old/sub/f1");
  CHECK(stat_base["f1"] == d / "old/sub");
  CHECK(open_path["f2"] == d / "new/sub/f2");
  CHECK(stat_base["f2"] == d / "new/sub");
  CHECK(open_path["f3"] == d / "new/sub2/f3");
  CHECK(stat_base["f3"] == d / "new/sub2");
}

TEST_CASE("openat2 is traced", "[record]") {
  test::TempDir d;
  std::string f = d.write("openat2.txt", "x");
  json m = test::record({test::fixture(), "openat2", d.path()});
  CHECK(has_kind(m, f, "read"));
}

TEST_CASE("execveat with AT_EMPTY_PATH records the executed file", "[record]") {
  test::TempDir d;
  std::string exe = d / "exec-by-fd";
  std::filesystem::copy_file("/usr/bin/true", exe);
  chmod(exe.c_str(), 0755);
  json m = test::record({test::fixture(), "execveat", d.path()});
  CHECK(has_kind(m, exe, "exec"));
  CHECK(m["processes"].contains(exe));
}

TEST_CASE("fexecve of a memfd is reported as unbacked, never as a path", "[record]") {
  test::TempDir d;
  json m = test::record({test::fixture(), "memfd", d.path()});
  bool found = false;
  for (auto& [name, e] : m["unbacked"].items())
    if (name.find("memfd:pare-memfd") != std::string::npos) found = e["kinds"].dump().find("exec") != std::string::npos;
  CHECK(found);
  for (auto& [p, e] : m["paths"].items()) CHECK(p.find("memfd:") == std::string::npos);
}

TEST_CASE("long names that differ only past their first 64 or 128 bytes are each recorded", "[record]") {
  // The probes hash a name's first 64 bytes inline and the rest in loop
  // turns: a name must not be taken for another one that shares a prefix.
  test::TempDir d;
  std::vector<std::string> names;
  for (size_t prefix : {60, 70, 130, 200})
    for (char last : {'A', 'B'}) names.push_back(d / (std::string(prefix, 'n') + last));
  std::string script = "cd " + d.path();
  for (auto& n : names) script += " && ! test -e " + n.substr(n.rfind('/') + 1);
  json m = test::record({"/bin/sh", "-c", script});
  for (auto& n : names) {
    INFO(n);
    CHECK(m["missing"].contains(n));
  }
}

TEST_CASE("a failed open is listed as missing, not as a file to keep", "[record]") {
  test::TempDir d;
  std::string p = d / "does-not-exist.txt";
  json m = test::record({test::fixture(), "missing", d.path()});
  REQUIRE(m["missing"].contains(p));
  CHECK(m["missing"][p]["errors"] == json::array({"ENOENT"}));
  CHECK(m["missing"][p]["kinds"] == json::array({"read"}));
  CHECK_FALSE(m["paths"].contains(p));
}

TEST_CASE("stat- and access-only paths are listed as checked", "[record]") {
  test::TempDir d;
  std::string s = d.write("stat-only.txt", "x");
  std::string a = d.write("access-only.txt", "x");
  json m = test::record({test::fixture(), "stat", d.path()});
  CHECK(m["paths"][s]["kinds"] == json::array({"checked"}));
  CHECK(m["paths"][a]["kinds"] == json::array({"checked"}));
}

TEST_CASE("a multi-threaded process: every thread's opens", "[record]") {
  test::TempDir d;
  for (int i = 0; i < 4; ++i) d.write("thread-" + std::to_string(i) + ".txt", "x");
  json m = test::record({test::fixture(), "threads", d.path()});
  for (int i = 0; i < 4; ++i) CHECK(has_kind(m, d / ("thread-" + std::to_string(i) + ".txt"), "read"));
}

TEST_CASE("a process outside the tree is not recorded, even while the tree runs", "[record]") {
  test::TempDir d;
  std::string marker = d.write("outside-marker.txt", "x");
  std::string inside = d.write("inside.txt", "x");
  test::Background outsider({test::fixture(), "marker", marker, "4"});
  json m = test::record({"/bin/sh", "-c", "sleep 1; cat " + inside + " >/dev/null; sleep 1"});
  CHECK(has_kind(m, inside, "read"));
  CHECK_FALSE(m["paths"].contains(marker));
  CHECK_FALSE(m["missing"].contains(marker));
  CHECK(outsider.wait() == 0);  // it really ran (and opened the marker) during the recording
}

TEST_CASE("exec storm: 2000 short-lived processes all recorded, or drops reported", "[record][storm]") {
  json m = test::record({"/bin/sh", "-c", "i=0; while [ $i -lt 2000 ]; do /usr/bin/true; i=$((i+1)); done"});
  uint64_t execs = m["processes"]["/usr/bin/true"]["execs"];
  uint64_t dropped = m["drops"]["exec"];
  INFO("execs " << execs << " dropped " << dropped);
  CHECK(execs + dropped == 2000);
  if (dropped) CHECK(m["complete"] == false);  // never lost silently
  CHECK(execs == 2000);  // this machine keeps up: no drops at all
}

TEST_CASE("the target's exit status is recorded", "[record]") {
  json m = test::record({"/bin/sh", "-c", "exit 7"});
  CHECK(m["target"]["exit_status"] == 7);
  CHECK(m["target"]["command"][0] == "/bin/sh");
}

TEST_CASE("record --pid attaches to a running process and its children", "[record]") {
  test::TempDir d;
  std::string late = d.write("pid-late.txt", "x");
  test::Background target({"/bin/sh", "-c", "sleep 2; cat " + late + " >/dev/null; sleep 1"});
  test::TempDir out;
  auto r = test::run_pare({"record", "--pid", std::to_string(target.pid()), "-o", out / "m.json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto m = json::parse(test::slurp(out / "m.json"));
  CHECK(m["target"]["pid"] == target.pid());
  CHECK(has_kind(m, late, "read"));
  CHECK(has_kind(m, "/usr/bin/cat", "exec"));
}

TEST_CASE("record --duration stops a long target with SIGTERM", "[record]") {
  json m = test::record({"/usr/bin/sleep", "60"}, {"--duration", "1"});
  CHECK(m["target"]["exit_status"] == 128 + 15);
  CHECK(has_kind(m, "/usr/bin/sleep", "exec"));
}

TEST_CASE("record --events writes every decoded record as JSON lines", "[record]") {
  test::TempDir out;
  auto r = test::run_pare({"record", "-o", out / "m.json", "--events", out / "e.jsonl", "--", "/usr/bin/true"});
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(test::slurp(out / "e.jsonl"));
  std::string line;
  int execs = 0, n = 0;
  while (std::getline(lines, line)) {
    auto ev = json::parse(line);
    ++n;
    if (ev["type"] == "exec" && ev["path"] == "/usr/bin/true") ++execs;
  }
  CHECK(n > 3);
  CHECK(execs == 1);
}

TEST_CASE("the traced app does not inherit pare's output files", "[record]") {
  test::TempDir d;
  std::string listing = d / "fds.txt";
  test::TempDir out;
  auto r = test::run_pare({"record", "-o", out / "m.json", "--events", out / "e.jsonl", "--", "/bin/sh", "-c",
                           "ls -l /proc/self/fd > " + listing});
  REQUIRE(r.exit_code == 0);
  std::string fds = test::slurp(listing);
  CHECK_FALSE(fds.empty());
  CHECK(fds.find(".tmp-") == std::string::npos);
}
