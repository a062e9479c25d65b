// Closure against real binaries and fake roots: ELF dependencies (incl.
// RUNPATH with $ORIGIN built here), rule packs, globs, parents, pseudo paths.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "closure/closure.h"
#include "closure/glob.h"
#include "closure/library_search.h"
#include "common/error.h"
#include "support/run_pare.h"

using pare::Manifest;

namespace {

Manifest with_exec(const std::string& exe) {
  Manifest m;
  auto& e = m.paths[exe];
  e.type = "file";
  e.kinds = {"exec"};
  e.why = {"traced"};
  m.processes[exe].execs = 1;
  return m;
}

bool kept_because(const Manifest& m, const std::string& p, const std::string& why_prefix) {
  auto it = m.paths.find(p);
  if (it == m.paths.end()) return false;
  for (auto& w : it->second.why)
    if (w.rfind(why_prefix, 0) == 0) return true;
  return false;
}

// Paths ldd(1) says the dynamic loader maps for EXE, resolved to real files.
std::vector<std::string> ldd_paths(const std::string& exe) {
  auto r = test::run({"/usr/bin/ldd", exe});
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> out;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    auto end = line.find(' ', slash);
    out.push_back(std::filesystem::canonical(line.substr(slash, end - slash)).string());
  }
  return out;
}

}  // namespace

TEST_CASE("closure: python3's libraries and loader, as ldd finds them", "[closure]") {
  std::string py = std::filesystem::canonical("/usr/bin/python3").string();
  Manifest m = with_exec(py);
  pare::RootFs fs("/");
  auto stats = pare::apply_closure(m, fs, {});
  CHECK(stats.unresolved.empty());
  auto expected = ldd_paths(py);
  REQUIRE(expected.size() >= 3);
  for (auto& lib : expected) {
    INFO(lib);
    CHECK(m.paths.count(lib));
  }
  CHECK(kept_because(m, std::filesystem::canonical("/lib64/ld-linux-x86-64.so.2").string(), "elf-interp of " + py));
  CHECK(kept_because(m, "/lib64", "symlink on the way to"));
  CHECK(m.paths["/usr/lib/x86_64-linux-gnu/libz.so.1"].type == "symlink");  // soname link kept
  CHECK(kept_because(m, "/usr/lib/x86_64-linux-gnu", "parent directory"));
  CHECK(kept_because(m, "/usr", "parent directory"));
}

TEST_CASE("closure: an ELF the run only read is data - one it ran, mapped or did not trace brings its libraries", "[closure]") {
  std::string py = std::filesystem::canonical("/usr/bin/python3").string();
  std::string libz = "/usr/lib/x86_64-linux-gnu/libz.so.1";  // python3 needs it, tar reading python3 does not
  for (auto kinds : std::vector<std::set<std::string>>{{"read"}, {"read", "checked"}, {"write"}, {"listed"}}) {
    Manifest m;
    m.paths[py].type = "file";
    m.paths[py].kinds = kinds;
    pare::RootFs fs("/");
    pare::apply_closure(m, fs, {});
    INFO(*kinds.begin());
    CHECK_FALSE(m.paths.count(libz));
    CHECK_FALSE(kept_because(m, std::filesystem::canonical("/lib64/ld-linux-x86-64.so.2").string(), "elf-interp"));
  }
  for (auto kinds : std::vector<std::set<std::string>>{{}, {"exec"}, {"read", "mapped-exec"}, {"interpreter"}}) {
    Manifest m;
    m.paths[py].type = "file";
    m.paths[py].kinds = kinds;
    pare::RootFs fs("/");
    pare::apply_closure(m, fs, {});
    INFO(kinds.size());
    CHECK(m.paths.count(libz));
    CHECK(kept_because(m, std::filesystem::canonical("/lib64/ld-linux-x86-64.so.2").string(), "elf-interp of " + py));
  }
}

TEST_CASE("closure: DT_RUNPATH with $ORIGIN, built by the test", "[closure]") {
  test::TempDir d;
  d.mkdir("app/bin");
  d.mkdir("app/lib");
  std::string lib_c = d.write("origin.c", "int pare_origin(void) { return 42; }\n");
  std::string main_c = d.write("main.c", "int pare_origin(void);\nint main(void) { return pare_origin() == 42 ? 0 : 1; }\n");
  auto r1 = test::run({"/usr/bin/cc", "-shared", "-fPIC", "-o", d / "app/lib/libpareorigin.so", lib_c});
  REQUIRE(r1.exit_code == 0);
  auto r2 = test::run({"/usr/bin/cc", "-o", d / "app/bin/prog", main_c, "-L" + d / "app/lib", "-lpareorigin",
                       "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib"});
  INFO(r2.err);
  REQUIRE(r2.exit_code == 0);
  REQUIRE(test::run({d / "app/bin/prog"}).exit_code == 0);  // the loader agrees

  Manifest m = with_exec(d / "app/bin/prog");
  pare::RootFs fs("/");
  auto stats = pare::apply_closure(m, fs, {});
  CHECK(stats.unresolved.empty());
  CHECK(kept_because(m, d / "app/lib/libpareorigin.so", "elf-dependency of " + d / "app/bin/prog"));
}

TEST_CASE("closure: a missing library is reported, never made up", "[closure]") {
  test::TempDir d;
  std::string lib_c = d.write("gone.c", "int gone(void) { return 1; }\n");
  std::string main_c = d.write("main.c", "int gone(void);\nint main(void) { return gone(); }\n");
  REQUIRE(test::run({"/usr/bin/cc", "-shared", "-fPIC", "-o", d / "libgone.so", lib_c}).exit_code == 0);
  REQUIRE(test::run({"/usr/bin/cc", "-o", d / "prog", main_c, "-L" + d.path(), "-lgone"}).exit_code == 0);
  std::filesystem::remove(d / "libgone.so");
  Manifest m = with_exec(d / "prog");
  pare::RootFs fs("/");
  auto stats = pare::apply_closure(m, fs, {});
  REQUIRE(stats.unresolved.size() == 1);
  CHECK_THAT(stats.unresolved[0], Catch::Contains("libgone.so"));
}

namespace {

// A small fake root with what the rule packs look for.
void fake_root(const test::TempDir& r) {
  r.mkdir("usr/bin");
  std::filesystem::copy_file("/usr/bin/true", r / "usr/bin/true");
  r.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
  r.write("etc/group", "root:x:0:\n");
  r.write("etc/nsswitch.conf", "passwd: files\n");
  r.write("etc/hosts", "127.0.0.1 localhost\n");
  r.write("etc/ld.so.cache", "cache");
  r.write("etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
  r.write("etc/ld.so.conf.d/x86_64-linux-gnu.conf", "/usr/local/lib/x86_64-linux-gnu\n");
  r.write("etc/ssl/certs/ca-certificates.crt", "certs");
  r.write("usr/share/zoneinfo/Europe/Paris", "TZif");
  r.write("usr/share/zoneinfo/UTC", "TZif");
  r.write("usr/share/zoneinfo/Europe/Berlin", "TZif");
  r.symlink("etc/localtime", "/usr/share/zoneinfo/Europe/Paris");
  r.write("usr/lib/locale/de_DE.utf8/LC_CTYPE", "ctype");
  r.write("usr/lib/locale/de_DE.utf8/LC_MESSAGES/SYS_LC_MESSAGES", "msg");
  r.write("usr/lib/x86_64-linux-gnu/libssl.so.3", "not really");
}

}  // namespace

TEST_CASE("closure: rule packs apply when their trigger is seen, and switch off", "[closure]") {
  test::TempDir r;
  fake_root(r);
  pare::RootFs fs(r.path());
  Manifest m = with_exec("/usr/bin/true");
  m.paths["/usr/lib/x86_64-linux-gnu/libssl.so.3"].kinds = {"mapped-exec"};
  m.paths["/usr/lib/x86_64-linux-gnu/libssl.so.3"].type = "file";
  m.paths["/usr/share/zoneinfo/Europe/Berlin"].kinds = {"read"};  // a zone other than the local one
  m.paths["/usr/share/zoneinfo/Europe/Berlin"].type = "file";
  m.target.lang = "de_DE.UTF-8";
  Manifest all = m;
  pare::apply_closure(all, fs, {});
  CHECK(kept_because(all, "/etc/passwd", "rule passwd-group"));
  CHECK(kept_because(all, "/etc/group", "rule passwd-group"));
  CHECK(kept_because(all, "/etc/nsswitch.conf", "rule nss"));
  CHECK(kept_because(all, "/etc/hosts", "rule nss"));
  CHECK(kept_because(all, "/etc/ld.so.cache", "rule ld.so.cache"));
  CHECK(kept_because(all, "/etc/ld.so.conf.d/x86_64-linux-gnu.conf", "rule ld.so.cache"));
  CHECK(kept_because(all, "/etc/ssl/certs/ca-certificates.crt", "rule ca-certificates"));
  CHECK(kept_because(all, "/usr/share/zoneinfo/UTC", "rule tzdata"));
  CHECK(kept_because(all, "/etc/localtime", "rule tzdata"));
  CHECK(kept_because(all, "/usr/lib/locale/de_DE.utf8/LC_MESSAGES/SYS_LC_MESSAGES", "rule locale"));

  pare::ClosureOptions off;
  off.disabled_rules = {"passwd-group", "tzdata", "locale", "ca-certificates", "nss", "ld.so.cache"};
  Manifest none = m;
  pare::apply_closure(none, fs, off);
  for (const char* p : {"/etc/passwd", "/etc/hosts", "/etc/ld.so.cache", "/etc/ssl/certs/ca-certificates.crt",
                        "/usr/share/zoneinfo/UTC", "/usr/lib/locale/de_DE.utf8/LC_CTYPE"}) {
    INFO(p);
    CHECK_FALSE(none.paths.count(p));
  }

  pare::ClosureOptions bad;
  bad.disabled_rules = {"no-such-rule"};
  CHECK_THROWS_WITH(pare::apply_closure(none, fs, bad), Catch::Contains("no-such-rule"));
}

TEST_CASE("closure: no TLS, no zone file, C locale: those packs stay out", "[closure]") {
  test::TempDir r;
  fake_root(r);
  pare::RootFs fs(r.path());
  Manifest m = with_exec("/usr/bin/true");
  m.target.lang = "C.UTF-8";
  pare::apply_closure(m, fs, {});
  CHECK_FALSE(m.paths.count("/etc/ssl/certs/ca-certificates.crt"));
  CHECK_FALSE(m.paths.count("/usr/share/zoneinfo/UTC"));
  CHECK_FALSE(m.paths.count("/usr/lib/locale/de_DE.utf8/LC_CTYPE"));
}

TEST_CASE("closure: --include and --exclude globs with **", "[closure]") {
  test::TempDir r;
  r.write("srv/app/static/css/site.css", "x");
  r.write("srv/app/static/js/app.js", "x");
  r.write("srv/app/static/js/app.js.map", "x");
  r.write("srv/app/README", "x");
  pare::RootFs fs(r.path());
  Manifest m;
  pare::ClosureOptions o;
  o.disabled_rules = {"passwd-group"};
  o.includes = {"/srv/app/static/**"};
  o.excludes = {"/srv/**/*.map"};
  pare::apply_closure(m, fs, o);
  CHECK(kept_because(m, "/srv/app/static/css/site.css", "include /srv/app/static/**"));
  CHECK(m.paths.count("/srv/app/static/js/app.js"));
  CHECK_FALSE(m.paths.count("/srv/app/static/js/app.js.map"));
  CHECK_FALSE(m.paths.count("/srv/app/README"));
  CHECK(kept_because(m, "/srv/app", "parent directory"));
  CHECK(m.paths["/srv/app"].type == "dir");
}

TEST_CASE("glob_match", "[closure]") {
  CHECK(pare::glob_match("/usr/**/*.so", "/usr/lib/x/libc.so"));
  CHECK(pare::glob_match("/usr/**", "/usr"));
  CHECK(pare::glob_match("/usr/**/doc", "/usr/doc"));
  CHECK_FALSE(pare::glob_match("/usr/*.so", "/usr/lib/libc.so"));
  CHECK(pare::glob_match("/etc/ld.so.conf.d/*", "/etc/ld.so.conf.d/a.conf"));
  CHECK_FALSE(pare::glob_match("/etc/*", "/etc/.hidden"));
}

TEST_CASE("closure: pseudo filesystem paths are marked, not dropped", "[closure]") {
  test::TempDir r;
  pare::RootFs fs(r.path());
  Manifest m;
  m.paths["/proc/self/maps"].kinds = {"read"};
  m.paths["/dev/null"].kinds = {"write"};
  m.paths["/devices"].kinds = {"read"};
  pare::ClosureOptions o;
  o.disabled_rules = {"passwd-group"};
  pare::apply_closure(m, fs, o);
  CHECK(m.paths["/proc/self/maps"].pseudo);
  CHECK(m.paths["/dev/null"].pseudo);
  CHECK_FALSE(m.paths["/devices"].pseudo);
}

TEST_CASE("closure: tzdata keeps only the local zone unless other zones were read - --rule forces it", "[closure]") {
  test::TempDir r;
  fake_root(r);
  pare::RootFs fs(r.path());
  Manifest m = with_exec("/usr/bin/true");
  m.paths["/etc/localtime"].type = "symlink";
  m.paths["/etc/localtime"].target = "/usr/share/zoneinfo/Europe/Paris";
  m.paths["/etc/localtime"].kinds = {"symlink"};
  m.paths["/usr/share/zoneinfo/Europe/Paris"].type = "file";
  m.paths["/usr/share/zoneinfo/Europe/Paris"].kinds = {"read"};
  Manifest local = m;
  pare::apply_closure(local, fs, {});
  CHECK(local.paths.count("/usr/share/zoneinfo/Europe/Paris"));
  CHECK_FALSE(local.paths.count("/usr/share/zoneinfo/UTC"));

  pare::ClosureOptions force;
  force.forced_rules = {"tzdata", "ca-certificates"};
  Manifest forced = with_exec("/usr/bin/true");
  pare::apply_closure(forced, fs, force);
  CHECK(kept_because(forced, "/usr/share/zoneinfo/UTC", "rule tzdata"));
  CHECK(kept_because(forced, "/etc/ssl/certs/ca-certificates.crt", "rule ca-certificates"));
}

TEST_CASE("closure: a FIFO and an include storm in ld.so.conf neither hang nor explode", "[closure]") {
  test::TempDir r;
  r.mkdir("etc/ld.so.conf.d");
  REQUIRE(mkfifo((r / "etc/ld.so.conf").c_str(), 0644) == 0);
  for (int i = 0; i < 8; ++i)
    r.write("etc/ld.so.conf.d/" + std::to_string(i) + ".conf", "include /etc/ld.so.conf.d/*\n/usr/lib/x\n");
  r.mkdir("usr/bin");
  std::filesystem::copy_file("/usr/bin/true", r / "usr/bin/true");
  pare::RootFs fs(r.path());
  Manifest m = with_exec("/usr/bin/true");
  auto stats = pare::apply_closure(m, fs, {});  // returns: the FIFO is refused, not opened for reading
  CHECK_FALSE(stats.unresolved.empty());        // no libc in this root, and it says so
  // The include storm, reached directly: every file read once.
  std::filesystem::remove(r / "etc/ld.so.conf");
  r.write("etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
  pare::LibrarySearch search(fs);
  CHECK(search.config_dirs() == std::vector<std::string>{"/usr/lib/x"});
}
