// Where real apps differ from fixtures (issue 8), as root with real probes:
// files the run created are not image content, relative chdir resolves
// against the directory before the call, directory listings are recorded,
// and state directories are kept whole while log directories stay small.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "manifest/manifest.h"
#include "support/run_pare.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

pare::Manifest record_ok(const test::TempDir& d, const std::vector<std::string>& args) {
  std::vector<std::string> all = {"record", "-o", d / "m.json"};
  all.insert(all.end(), args.begin(), args.end());
  auto r = test::run_pare(all);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return pare::read_manifest_file(d / "m.json");
}

test::RunResult in_chroot(const std::string& root, const std::string& script) {
  return test::run({"/usr/sbin/chroot", root, "/bin/sh", "-c", script});
}

}  // namespace

TEST_CASE("files the recorded run created are not copied: mkdir and sqlite3 re-run from --from /", "[fidelity]") {
  test::TempDir d;
  d.mkdir("work");
  std::string w = d / "work";
  std::string script = "cd " + w + " && mkdir newdir && echo x > newdir/f && /usr/bin/sqlite3 " + w +
                       "/x.db 'create table t(x); insert into t values(1);' && /usr/bin/sqlite3 " + w +
                       "/x.db 'select * from t;'";
  auto m = record_ok(d, {"--", "/bin/sh", "-c", script});
  REQUIRE(m.paths.count(w + "/newdir"));
  CHECK(m.paths[w + "/newdir"].created);
  CHECK(m.paths[w + "/newdir/f"].created);
  CHECK(m.paths[w + "/x.db"].created);
  CHECK_FALSE(m.paths[w].created);
  CHECK_FALSE(m.paths["/bin/sh"].created);

  auto b = test::run_pare({"build", "--manifest", d / "m.json", "--from", "/", "-o", d / "out", "--report", d / "r.json"});
  INFO(b.err);
  REQUIRE(b.exit_code == 0);
  CHECK(fs::is_directory(d.path() + "/out" + w));  // the directory the app wrote in is kept...
  CHECK_FALSE(fs::exists(d.path() + "/out" + w + "/x.db"));  // ...without what the run made
  CHECK_FALSE(fs::exists(d.path() + "/out" + w + "/newdir"));
  CHECK(json::parse(test::slurp(d / "r.json"))["created_by_run_not_copied"].get<int>() >= 3);
  auto again = in_chroot(d / "out", script);
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(again.out == "1\n");
}

TEST_CASE("a relative chdir resolves against the directory before the call", "[fidelity]") {
  test::TempDir d;
  d.write("r/real/f", "data\n");
  d.symlink("r/link", "real");
  auto m = record_ok(d, {"--no-closure", "--", "/usr/bin/env", "-C", d / "r", "/usr/bin/env", "-C", "link", "/bin/cat", "f"});
  CHECK(m.paths.count(d.path() + "/r/link"));
  CHECK(m.paths[d.path() + "/r/link"].type == "symlink");
  CHECK(m.paths.count(d.path() + "/r/real/f"));
  CHECK_FALSE(m.paths.count(d.path() + "/r/real/link"));

  // Python's os.chdir and mkdir -p (which chdirs into each new level).
  test::TempDir e;
  e.write("p/sub/data.txt", "x");
  auto py = record_ok(e, {"--no-closure", "--", "/usr/bin/python3", "-I", "-c",
                          "import os; os.chdir('" + e.path() + "/p'); os.chdir('sub'); open('data.txt').read()"});
  CHECK(py.paths.count(e.path() + "/p/sub/data.txt"));
  CHECK_FALSE(py.paths.count(e.path() + "/p/sub/sub"));
  auto mk = record_ok(e, {"--no-closure", "--", "/bin/mkdir", "-p", e.path() + "/a/b/c"});
  for (auto& [p, entry] : mk.paths) CHECK(p.find("/a/a") == std::string::npos);
  for (auto& [p, entry] : mk.missing) CHECK(p.find("/a/a") == std::string::npos);
}

TEST_CASE("directory listings are recorded, reported when partly kept, kept with --keep-listed", "[fidelity]") {
  test::TempDir d;
  for (auto n : {"a.conf", "b.conf", "c.conf"}) d.write(std::string("conf.d/") + n, "x");
  std::string dir = d / "conf.d";
  auto m = record_ok(d, {"--no-closure", "--", "/bin/sh", "-c", "ls " + dir + " >/dev/null; cat " + dir + "/a.conf"});
  REQUIRE(m.paths.count(dir));
  CHECK(m.paths[dir].kinds.count("listed"));
  CHECK_FALSE(m.paths.count(dir + "/b.conf"));

  auto b = test::run_pare({"build", "--manifest", d / "m.json", "--from", "/", "-o", d / "out", "--report", d / "r.json"});
  REQUIRE(b.exit_code == 0);
  CHECK(b.err.find("1 of 3 entries kept: " + dir) != std::string::npos);
  auto listed = json::parse(test::slurp(d / "r.json"))["listed_dirs_partly_kept"];
  REQUIRE(listed.size() >= 1);

  test::TempDir e;
  auto all = record_ok(e, {"--keep-listed", d.path() + "/**", "--", "/bin/ls", dir});
  CHECK(all.paths.count(dir + "/b.conf"));
  CHECK(all.paths.count(dir + "/c.conf"));
  CHECK(all.paths[dir + "/c.conf"].why.count("listed directory " + dir));
}

TEST_CASE("state directories are kept whole, log directories stay small, pid files are not copied", "[fidelity]") {
  test::TempDir d;
  std::string db = d / "var/lib/appdb";
  for (int i = 0; i < 10; ++i) d.write("var/lib/appdb/base/" + std::to_string(i % 3) + "/t" + std::to_string(i), "row");
  std::string big(1 << 20, 'L');
  d.write("var/log/app/old.log.1", big);
  d.write("var/log/app/app.log", "");
  d.mkdir("run");
  d.write("srv/cache/keep.bin", "cache");
  // The database tree belongs to the app's own user, like /var/lib/mysql.
  for (auto& e : fs::recursive_directory_iterator(db)) REQUIRE(chown(e.path().c_str(), 1234, 1234) == 0);
  REQUIRE(chown(db.c_str(), 1234, 1234) == 0);
  std::string app = "set -e; set -C; echo $$ > " + d.path() + "/run/app.pid; trap 'rm -f " + d.path() +
                    "/run/app.pid' EXIT; exec 3<>" + db + "/base/1/t1; echo started >> " + d.path() + "/var/log/app/app.log";
  auto m = record_ok(d, {"--state-dir", d / "srv/cache", "--", "/bin/sh", "-c", app});
  for (int i = 0; i < 10; ++i) CHECK(m.paths.count(db + "/base/" + std::to_string(i % 3) + "/t" + std::to_string(i)));
  CHECK(m.paths[db].why.count("state-dir: a file in it was read and written by the app (" + db + "/base/1/t1), owner uid 1234"));
  CHECK(m.paths.count(d.path() + "/srv/cache/keep.bin"));
  CHECK_FALSE(m.paths.count(d.path() + "/var/log/app/old.log.1"));
  CHECK(m.paths.count(d.path() + "/var/log/app/app.log"));

  auto b = test::run_pare({"build", "--manifest", d / "m.json", "--from", "/", "-o", d / "out"});
  INFO(b.err);
  REQUIRE(b.exit_code == 0);
  CHECK(b.err.find("state dir kept whole: " + db) != std::string::npos);
  std::string out = d / "out";
  CHECK(fs::exists(out + db + "/base/2/t8"));
  CHECK_FALSE(fs::exists(out + d.path() + "/var/log/app/old.log.1"));
  CHECK_FALSE(fs::exists(out + d.path() + "/run/app.pid"));
  // The minimal image starts twice in a row.
  for (int run = 0; run < 2; ++run) {
    auto r = in_chroot(out, app);
    INFO(r.err);
    CHECK(r.exit_code == 0);
  }
  // --no-rule state-dirs: only what was touched.
  test::TempDir e;
  auto narrow = record_ok(e, {"--no-rule", "state-dirs", "--", "/bin/sh", "-c", app});
  CHECK_FALSE(narrow.paths.count(db + "/base/2/t8"));
}
