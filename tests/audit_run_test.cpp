// pare audit for real (issue 9, item 1): record a program, then audit the
// same program (clean, exit 0) and variants that step outside the manifest
// (a file, an exec, a dlopen, a write, a syscall), a container under its
// traffic and a `runc exec` into it, and pare's memory over a long audit.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/run_pare.h"
#include "support/test_images.h"

using nlohmann::json;

namespace {

std::vector<json> lines_of(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

// The manifest of CMD, recorded into DIR/NAME.
std::string record_manifest(const test::TempDir& d, const std::string& name, const std::vector<std::string>& cmd) {
  std::vector<std::string> args = {"record", "-o", d / name, "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  auto r = test::run_pare(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return d / name;
}

test::RunResult audit(const std::string& manifest, const std::vector<std::string>& cmd,
                      const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"audit", "--manifest", manifest};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("--");
  args.insert(args.end(), cmd.begin(), cmd.end());
  return test::run_pare(args);
}

const json* find(const std::vector<json>& findings, const std::string& kind, const std::string& path) {
  for (auto& f : findings)
    if (f["kind"] == kind && f.value("path", "") == path) return &f;
  return nullptr;
}

std::string dump_all(const std::vector<json>& findings) {
  std::string s;
  for (auto& f : findings) s += f.dump() + "\n";
  return s;
}

}  // namespace

TEST_CASE("audit: a program within its manifest is clean - a file outside it is a finding", "[audit]") {
  test::TempDir d;
  const std::string script = "cat \"$0\" >/dev/null";
  auto m = record_manifest(d, "m.json", {"/bin/sh", "-c", script, "/etc/hostname"});

  auto clean = audit(m, {"/bin/sh", "-c", script, "/etc/hostname"});
  INFO(clean.err);
  CHECK(clean.exit_code == 0);
  CHECK(clean.out.empty());
  CHECK(clean.err.find("0 findings") != std::string::npos);
  CHECK(clean.err.find("complete") != std::string::npos);

  auto dirty = audit(m, {"/bin/sh", "-c", script, "/etc/services"});
  INFO(dirty.err);
  CHECK(dirty.exit_code == 1);
  auto findings = lines_of(dirty.out);
  INFO(dump_all(findings));
  const json* f = find(findings, "read", "/etc/services");
  REQUIRE(f);
  CHECK((*f)["exe"] == "/usr/bin/cat");
  CHECK((*f)["comm"] == "cat");
  CHECK((*f)["pid"].get<int>() > 0);
  REQUIRE((*f)["parents"].size() >= 1);
  CHECK((*f)["parents"][0]["exe"] == "/usr/bin/dash");
  CHECK((*f)["scope"]["target"] == "command");
  CHECK((*f)["time"].get<std::string>().size() == 24);
  CHECK(findings.size() == 1);  // nothing else stepped outside
  CHECK(dirty.err.find("1 finding (1 read)") != std::string::npos);
  CHECK(dirty.err.find("/etc/services") != std::string::npos);  // the top paths
}

TEST_CASE("audit: an unlisted exec, a dlopen outside the manifest and a write where only reads were seen", "[audit]") {
  test::TempDir d;
  std::string data = d.write("data.txt", "x\n");

  auto m = record_manifest(d, "m.json", {"/bin/sh", "-c", "\"$0\" \"$1\" >/dev/null", "/bin/cat", data});
  auto exec = audit(m, {"/bin/sh", "-c", "\"$0\" \"$1\" >/dev/null", "/usr/bin/head", data});
  auto execs = lines_of(exec.out);
  INFO(exec.err << dump_all(execs));
  CHECK(exec.exit_code == 1);
  CHECK(find(execs, "exec", "/usr/bin/head"));
  CHECK_FALSE(find(execs, "read", data));  // head read what cat read: allowed

  auto write = audit(m, {"/bin/sh", "-c", "echo y >>\"$1\"", "/bin/cat", data});
  auto writes = lines_of(write.out);
  INFO(write.err << dump_all(writes));
  CHECK(write.exit_code == 1);
  CHECK(find(writes, "write", data));

  auto fm = record_manifest(d, "fixture.json", {test::fixture(), "quiet", d.path()});
  auto dl = audit(fm, {test::fixture(), "dlopen", d.path()});
  auto dls = lines_of(dl.out);
  INFO(dl.err << dump_all(dls));
  CHECK(dl.exit_code == 1);
  bool libz = false;
  for (auto& f : dls) libz |= f["kind"] == "library" && f["path"].get<std::string>().find("libz.so.1") != std::string::npos;
  CHECK(libz);
}

TEST_CASE("audit: a syscall outside the recorded set - --fail-fast stops at the first finding", "[audit]") {
  test::TempDir d;
  auto m = record_manifest(d, "m.json", {test::fixture(), "quiet", d.path()});
  auto r = audit(m, {test::fixture(), "personality", d.path()});
  auto findings = lines_of(r.out);
  INFO(r.err << dump_all(findings));
  CHECK(r.exit_code == 1);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["kind"] == "syscall");
  CHECK(findings[0]["syscall"] == "personality");

  // A loop that reads a new file every 0.1 s for 30 s: --fail-fast ends it at the first.
  auto start = std::chrono::steady_clock::now();
  auto ff = audit(m, {"/bin/sh", "-c", "for i in $(seq 300); do cat /etc/services >/dev/null; sleep 0.1; done"},
                  {"--fail-fast", "-o", d / "ff.jsonl"});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto ffs = lines_of(test::slurp(d / "ff.jsonl"));
  INFO(ff.err << dump_all(ffs));
  CHECK(ff.exit_code == 1);
  CHECK(ffs.size() == 1);
  CHECK(secs < 20);
}

TEST_CASE("audit: bad manifests and options fail before anything runs", "[audit]") {
  test::TempDir d;
  d.write("bad.json", "{\"schema_version\": 1");
  auto bad = test::run_pare({"audit", "--manifest", d / "bad.json", "--", "/bin/true"});
  CHECK(bad.exit_code == 4);
  CHECK(bad.err.rfind("pare: error: ", 0) == 0);
  auto none = test::run_pare({"audit", "--", "/bin/true"});
  CHECK(none.exit_code == 2);
  auto m = record_manifest(d, "m.json", {"/bin/true"});
  auto same = test::run_pare({"audit", "--manifest", m, "-o", m, "--", "/bin/true"});
  CHECK(same.exit_code == 2);  // the output would replace its own input
  CHECK(test::slurp(m).find("schema_version") != std::string::npos);
}

TEST_CASE("audit --bundle: a container under its own traffic is clean - a runc exec shell is a finding", "[audit][container]") {
  std::string rootfs = test::image_rootfs("nginx");
  test::TempDir work;
  test::TestBundle b(rootfs, work.path(), test::running({"/usr/sbin/nginx", "-g", "daemon off;"}));
  std::vector<std::string> traffic = {"--ready-http", "http://127.0.0.1:8080/", "--http-probe",
                                      "http://127.0.0.1:8080/hello.txt", "--app-log", work / "app.log"};
  std::vector<std::string> rec = {"record", "--bundle", b.dir, "-o", work / "m.json"};
  rec.insert(rec.end(), traffic.begin(), traffic.end());
  auto r = test::run_pare(rec);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  std::vector<std::string> aud = {"audit", "--manifest", work / "m.json", "--bundle", b.dir};
  aud.insert(aud.end(), traffic.begin(), traffic.end());
  auto clean = test::run_pare(aud);
  INFO(clean.err << clean.out);
  CHECK(clean.exit_code == 0);
  CHECK(clean.out.empty());

  aud.push_back("--traffic");
  aud.push_back("\"$PARE_RUNTIME\" exec \"$PARE_CONTAINER_ID\" /bin/sh -c true");
  auto shell = test::run_pare(aud);
  auto findings = lines_of(shell.out);
  INFO(shell.err << dump_all(findings));
  CHECK(shell.exit_code == 1);
  const json* f = find(findings, "exec", "/usr/bin/dash");
  REQUIRE(f);
  CHECK((*f)["scope"]["target"] == "bundle");
  CHECK((*f)["scope"]["container"].get<std::string>().size() > 0);
}

TEST_CASE("audit: a long exec/open loop keeps pare's memory flat", "[audit][long]") {
  test::TempDir d;
  const std::string loop = "end=$(($(date +%s) + $0)); while [ $(date +%s) -lt $end ]; do cat /etc/hostname >/dev/null; done";
  auto m = record_manifest(d, "m.json", {"/bin/sh", "-c", loop, "2"});
  // pare runs in the background so its RSS can be sampled while it works;
  // --all makes every repeated open a record: the heaviest stream there is.
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    // The environment the recording had (test::run's): a LANG here would open locale files it never saw.
    const char* env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", nullptr};
    execle(PARE_BIN, PARE_BIN, "audit", "--all", "--manifest", m.c_str(), "-o", (d / "f.jsonl").c_str(), "--",
           "/bin/sh", "-c", loop.c_str(), "100", static_cast<char*>(nullptr), env);
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::seconds(25));
  long early = test::rss_kib(pid);
  std::this_thread::sleep_for(std::chrono::seconds(70));
  long late = test::rss_kib(pid);
  int status = 0;
  waitpid(pid, &status, 0);
  INFO("pare RSS at 25 s: " << early << " KiB, at 95 s: " << late << " KiB");
  REQUIRE(early > 0);
  REQUIRE(late > 0);
#ifndef __SANITIZE_ADDRESS__
  CHECK(late - early < 4096);  // growth under 4 MiB over 70 s of continuous records
#else
  // ASan's quarantine keeps freed memory (256 MiB by default) and its shadow
  // grows with it: RSS says nothing about pare there. The run itself is checked.
  WARN("RSS growth not checked in the ASan build: " << late - early << " KiB");
#endif
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  INFO("findings: " << test::slurp(d / "f.jsonl").substr(0, 2000));
  CHECK(test::slurp(d / "f.jsonl").empty());
}

TEST_CASE("io_uring use: a blind spot in the manifest, a note in the profile, a finding in the audit", "[audit][seccomp]") {
  test::TempDir d;
  auto ring = record_manifest(d, "ring.json", {test::fixture(), "io_uring", d.path()});
  json m = json::parse(test::slurp(ring));
  CHECK(m["complete"] == false);
  CHECK(m["blind_spots"].dump().find("io_uring") != std::string::npos);
  CHECK(m["syscalls"].dump().find("\"io_uring_setup\"") != std::string::npos);
  auto p = test::run_pare({"seccomp", ring});
  INFO(p.err);
  REQUIRE(p.exit_code == 0);
  CHECK(json::parse(p.out)["x-pare-notes"].dump().find("io_uring") != std::string::npos);

  auto quiet = record_manifest(d, "quiet.json", {test::fixture(), "quiet", d.path()});
  auto r = audit(quiet, {test::fixture(), "io_uring", d.path()});
  auto findings = lines_of(r.out);
  INFO(r.err << dump_all(findings));
  CHECK(r.exit_code == 1);
  CHECK(find(findings, "io_uring", ""));
  bool setup = false;
  for (auto& f : findings) setup |= f["kind"] == "syscall" && f["syscall"] == "io_uring_setup";
  CHECK(setup);
  CHECK(r.err.find("INCOMPLETE: io_uring") != std::string::npos);
}

TEST_CASE("audit: what a traffic command prints goes to stderr, never among the findings", "[audit]") {
  test::TempDir d;
  auto m = record_manifest(d, "m.json", {"/bin/sleep", "0.2"});
  auto r = test::run_pare({"audit", "--manifest", m, "--traffic", "echo traffic-noise", "--", "/bin/sleep", "5"});
  INFO(r.err << r.out);
  CHECK(r.out.find("traffic-noise") == std::string::npos);
  CHECK(r.err.find("traffic-noise") != std::string::npos);
  for (auto& f : lines_of(r.out)) CHECK(f.contains("kind"));  // every stdout line is a finding
}
