// The audit's verdicts fed with fake records: what a manifest allows, what
// becomes a finding, once per (kind, path), who did it, and the bounds that
// keep a long audit's memory flat. No kernel involved.
#include <fcntl.h>

#include <catch2/catch.hpp>

#include "audit/allowlist.h"
#include "audit/auditor.h"
#include "support/run_pare.h"

using pare::Event;
using pare::EventType;

namespace {

pare::Manifest manifest_of_cat() {
  pare::Manifest m;
  auto keep = [&](const std::string& p, std::set<std::string> kinds, std::set<std::string> why = {"traced"}) {
    auto& e = m.paths[p];
    e.type = "file";
    e.kinds = kinds;
    e.why = why;
  };
  keep("/usr/bin/cat", {"exec"});
  keep("/usr/lib/x86_64-linux-gnu/libc.so.6", {"mapped-exec"});
  keep("/etc/app.conf", {"read"});
  keep("/var/log/app.log", {"write", "create"});
  keep("/proc/4242/status", {"read"});
  keep("/opt/plugins/a.so", {"mapped-exec"}, {"include /opt/plugins/*.so"});
  m.paths["/var/lib/app"] = {};
  m.paths["/var/lib/app"].type = "dir";
  m.paths["/var/lib/app"].why = {"state-dir: --state-dir"};
  m.processes["/usr/bin/cat"].execs = 1;
  m.missing["/etc/ld.so.preload"].errors = {"ENOENT"};
  m.syscalls = std::set<std::string>{"read", "openat", "execve"};
  return m;
}

Event record(EventType type, const std::string& path, uint32_t pid = 10) {
  Event ev;
  ev.type = type;
  ev.tgid = ev.pid = pid;
  ev.comm = "app";
  ev.ts_ns = 1;
  ev.path = path;
  ev.raw = path;
  return ev;
}

Event open_of(const std::string& path, uint64_t flags, uint32_t pid = 10) {
  Event ev = record(EventType::kOpen, path, pid);
  ev.aux = flags;
  ev.ret = 3;
  return ev;
}

}  // namespace

TEST_CASE("allowlist: each kind against what the manifest saw", "[audit]") {
  pare::Allowlist a(manifest_of_cat());
  CHECK(a.allows("read", "/etc/app.conf"));
  CHECK_FALSE(a.allows("read", "/etc/shadow"));
  CHECK_FALSE(a.allows("write", "/etc/app.conf"));  // only ever read
  CHECK(a.allows("write", "/var/log/app.log"));
  CHECK(a.allows("exec", "/usr/bin/cat"));
  CHECK_FALSE(a.allows("exec", "/etc/app.conf"));  // in the image, never executed
  CHECK(a.allows("library", "/usr/lib/x86_64-linux-gnu/libc.so.6"));
  CHECK_FALSE(a.allows("library", "/usr/lib/evil.so"));
  // Globs kept from --include, and everything inside a state directory.
  CHECK(a.allows("library", "/opt/plugins/b.so"));
  CHECK_FALSE(a.allows("library", "/opt/plugins/sub/c.so"));
  CHECK(a.allows("create", "/var/lib/app/new.db"));
  CHECK(a.allows("write", "/var/lib/app/sub/x"));
  CHECK_FALSE(a.allows("write", "/var/lib/apple"));
  CHECK_FALSE(a.allows("exec", "/var/lib/app/tool"));
  // Failed lookups: the ones the recording saw fail pass; new ones do not.
  CHECK(a.allows("checked", "/etc/ld.so.preload", ENOENT));
  CHECK_FALSE(a.allows("checked", "/etc/other", ENOENT));
  CHECK(a.allows("read", "/etc/app.conf", EACCES));
  // /proc pids are compared without their numbers.
  CHECK(a.allows("read", "/proc/77/status"));
  CHECK_FALSE(a.allows("read", "/proc/77/environ"));
  CHECK(pare::normalize_proc_path("/proc/1/task/2/stat") == "/proc/<pid>/task/<tid>/stat");
  CHECK(pare::normalize_proc_path("/proc/self/x") == "/proc/self/x");
  CHECK(pare::normalize_proc_path("/procfoo/1") == "/procfoo/1");
  CHECK(a.allows_syscall("openat"));
  CHECK_FALSE(a.allows_syscall("personality"));
  pare::Manifest old;  // recorded before pare collected syscalls: nothing to say
  CHECK(pare::Allowlist(old).allows_syscall("personality"));
}

TEST_CASE("auditor: findings once per kind and path, with the process and its parents", "[audit]") {
  test::TempDir root;
  pare::RootFs fs(root.path());
  pare::Auditor a(manifest_of_cat(), fs, {});
  std::vector<pare::Finding> out;

  Event fork = record(EventType::kFork, "", 11);
  fork.path.reset();
  fork.ppid = 10;
  Event exec = record(EventType::kExec, "/usr/bin/cat", 10);
  a.add(exec, out);
  a.add(fork, out);
  Event child_exec = record(EventType::kExec, "/usr/bin/sh", 11);
  child_exec.comm = "sh";
  a.add(child_exec, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].kind == "exec");
  CHECK(out[0].path == "/usr/bin/sh");
  REQUIRE(out[0].chain.size() == 2);
  CHECK(out[0].chain[0].exe == "/usr/bin/sh");
  CHECK(out[0].chain[1].pid == 10);
  CHECK(out[0].chain[1].exe == "/usr/bin/cat");

  out.clear();
  a.add(open_of("/etc/app.conf", O_RDONLY), out);
  CHECK(out.empty());
  a.add(open_of("/etc/app.conf", O_RDWR), out);  // read allowed, write not
  REQUIRE(out.size() == 1);
  CHECK(out[0].kind == "write");
  a.add(open_of("/etc/shadow", O_RDONLY), out);
  a.add(open_of("/etc/shadow", O_RDONLY), out);  // the same again: counted, not reported
  REQUIRE(out.size() == 2);
  CHECK(out[1].path == "/etc/shadow");
  a.add(record(EventType::kMmapExec, "/usr/lib/evil.so"), out);
  REQUIRE(out.size() == 3);
  CHECK(out[2].kind == "library");

  // A failed lookup resolves its name in the root; errno travels with it.
  Event miss = record(EventType::kCheckFail, "", 10);
  miss.path.reset();
  miss.raw = "/etc/nowhere";
  miss.ret = -ENOENT;
  a.add(miss, out);
  REQUIRE(out.size() == 4);
  CHECK(out[3].kind == "checked");
  CHECK(out[3].err == ENOENT);

  // A relative name with no base cannot be placed: counted, never guessed.
  Event rel = miss;
  rel.raw = "x";
  a.add(rel, out);
  CHECK(out.size() == 4);
  CHECK(a.stats().unplaceable == 1);

  a.add_syscalls({"read", "personality"}, out);
  a.add_syscalls({"read", "personality"}, out);
  REQUIRE(out.size() == 5);
  CHECK(out[4].kind == "syscall");
  CHECK(out[4].syscall == "personality");

  auto top = a.top(1);
  REQUIRE(top.size() == 1);
  CHECK(std::get<1>(top[0]) == "/etc/shadow");
  CHECK(std::get<2>(top[0]) == 2);
  CHECK(a.stats().findings_by_kind.at("write") == 1);

  // The process table forgets processes that exited.
  CHECK(a.processes() == 2);
  a.add(record(EventType::kExit, "", 11), out);
  CHECK(a.processes() == 1);
}

TEST_CASE("auditor: --all reports every hit - io_uring is a finding unless the manifest knew", "[audit]") {
  test::TempDir root;
  pare::RootFs fs(root.path());
  pare::Auditor all(manifest_of_cat(), fs, {true});
  std::vector<pare::Finding> out;
  for (int i = 0; i < 3; ++i) all.add(open_of("/etc/shadow", O_RDONLY), out);
  CHECK(out.size() == 3);
  CHECK(all.stats().findings_by_kind.at("read") == 1);

  out.clear();
  Event uring = record(EventType::kBlind, "");
  uring.path.reset();
  uring.aux = PARE_BLIND_IO_URING;
  all.add(uring, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].kind == "io_uring");
  CHECK(all.stats().blind_spots.size() == 1);

  pare::Manifest knew = manifest_of_cat();
  knew.blind_spots.push_back("io_uring: opens submitted through io_uring bypass syscall tracepoints");
  pare::Auditor quiet(knew, fs, {});
  out.clear();
  quiet.add(uring, out);
  CHECK(out.empty());
  CHECK(quiet.stats().blind_spots.size() == 1);  // still said: the audit cannot see through it
}

TEST_CASE("auditor: memory stays bounded however many distinct findings come", "[audit]") {
  test::TempDir root;
  pare::RootFs fs(root.path());
  pare::AuditOptions opts;
  opts.max_tracked = 100;
  pare::Auditor a(manifest_of_cat(), fs, opts);
  std::vector<pare::Finding> out;
  for (int i = 0; i < 1000; ++i) {
    a.add(record(EventType::kFork, "", 1000 + i), out);
    a.add(open_of("/tmp/f" + std::to_string(i), O_RDONLY, 1000 + i), out);
    a.add(record(EventType::kExit, "", 1000 + i), out);
  }
  CHECK(out.size() == 1000);  // every one reported
  CHECK(a.tracked() == 100);
  CHECK(a.stats().untracked == 900);
  CHECK(a.processes() == 0);
}
