// pare build from a rootfs directory, as root: metadata kept, hostile links
// contained, outputs whole or absent, and a recorded program running again
// in its minimal rootfs under chroot.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "manifest/manifest.h"
#include "resolve/tree_scan.h"
#include "support/manifest_files.h"
#include "support/run_pare.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct stat lstat_of(const std::string& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st;
}

std::string xattr_of(const std::string& p, const char* name) {
  char buf[256];
  ssize_t n = lgetxattr(p.c_str(), name, buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

bool tree_contains(const std::string& root, const std::string& needle) {
  for (auto& e : fs::recursive_directory_iterator(root))
    if (fs::is_regular_file(fs::symlink_status(e.path())))
      if (test::slurp(e.path()).find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("build dir: mode, setuid, owner, mtime, xattr, hard links, symlinks, fifo", "[build]") {
  test::TempDir src, work;
  src.mkdir("usr/bin");
  fs::copy_file("/usr/bin/true", src / "usr/bin/tool");
  REQUIRE(chown((src / "usr/bin/tool").c_str(), 1000, 1000) == 0);
  REQUIRE(chmod((src / "usr/bin/tool").c_str(), 04755) == 0);
  // vfs_cap_data revision 2: cap_net_bind_service permitted + effective.
  const unsigned char cap[20] = {0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00};
  REQUIRE(setxattr((src / "usr/bin/tool").c_str(), "security.capability", cap, sizeof cap, 0) == 0);
  REQUIRE(link((src / "usr/bin/tool").c_str(), (src / "usr/bin/tool-link").c_str()) == 0);
  src.symlink("bin", "usr/bin");
  src.mkdir("etc");
  REQUIRE(mkfifo((src / "etc/fifo").c_str(), 0640) == 0);
  src.mkdir("var/lib/app");
  REQUIRE(chmod((src / "var/lib/app").c_str(), 01777) == 0);
  REQUIRE(chown((src / "var/lib/app").c_str(), 33, 33) == 0);
  struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
  REQUIRE(utimensat(AT_FDCWD, (src / "var/lib/app").c_str(), old, 0) == 0);
  src.write("usr/share/doc/big/README", std::string(100000, 'x'));
  std::string src_cap = xattr_of(src / "usr/bin/tool", "security.capability");
  REQUIRE_FALSE(src_cap.empty());

  std::string m = test::manifest_with(work, {{"/bin", "symlink"}, {"/bin/tool", "file"}, {"/usr/bin/tool-link", "file"},
                                       {"/etc/fifo", "other"}, {"/var/lib/app", "dir"}});
  std::string out = work / "out";
  auto r = test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", out, "--report", work / "r.json",
                           "--measure-source"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  auto tool = lstat_of(out + "/usr/bin/tool");
  CHECK((tool.st_mode & 07777) == 04755);
  CHECK(tool.st_uid == 1000);
  CHECK(tool.st_gid == 1000);
  CHECK(xattr_of(out + "/usr/bin/tool", "security.capability") == src_cap);
  CHECK(lstat_of(out + "/usr/bin/tool-link").st_ino == tool.st_ino);  // still one inode
  CHECK(fs::read_symlink(out + "/bin") == "usr/bin");
  CHECK(S_ISFIFO(lstat_of(out + "/etc/fifo").st_mode));
  auto app = lstat_of(out + "/var/lib/app");
  CHECK((app.st_mode & 07777) == 01777);
  CHECK(app.st_uid == 33);
  CHECK(app.st_mtime == 1000000000);
  CHECK_FALSE(fs::exists(out + "/usr/share/doc"));
  CHECK(lstat_of(out + "/usr/bin/tool").st_mtime == lstat_of(src / "usr/bin/tool").st_mtime);

  auto rep = json::parse(test::slurp(work / "r.json"));
  CHECK(rep["before"]["files"] > rep["after"]["files"]);
  CHECK(rep["removed_by_dir"][0]["dir"] == "/usr/share/doc");
  CHECK_THAT(r.err, Catch::Contains("smaller"));
  // The after side is what the copy counted as it made it, not a walk of
  // the output: the figures a walk finds all the same.
  pare::TreeScan walked = pare::scan_tree(out);
  CHECK(rep["after"]["files"] == walked.size.files);
  CHECK(rep["after"]["bytes"] == walked.size.bytes);
  CHECK(rep["after"]["entries"] == walked.size.entries);
  CHECK(rep["after"]["entries"] == 10);  // bin usr usr/bin tool tool-link etc etc/fifo var var/lib var/lib/app
  REQUIRE(rep["largest_kept"].size() == 1);  // one file under two names
  CHECK(rep["largest_kept"][0]["path"] == "/usr/bin/tool");
  CHECK(rep["largest_kept"][0]["bytes"] == fs::file_size(src / "usr/bin/tool"));
  CHECK(rep["removed_by_dir"].size() == 1);  // whichever name the source walk met first, it was kept
}

TEST_CASE("build dir: hostile symlinks in the source never reach outside it", "[build]") {
  test::TempDir outside, src, work;
  std::string secret = "pare-test-secret-" + std::to_string(getpid());
  outside.write("secret", secret);
  src.mkdir("etc");
  src.symlink("etc/passwd", "../../../../../../../../" + outside.path() + "/secret");
  src.symlink("leak", outside.path() + "/secret");
  src.symlink("leak-dir", outside.path());
  src.symlink("root-link", "/");
  std::string m = test::manifest_with(work, {{"/etc/passwd", "file"},
                                       {"/leak", "file"},
                                       {"/leak-dir/secret", "file"},
                                       {"/root-link" + outside.path() + "/secret", "file"}});
  std::string out = work / "out";
  auto r = test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(tree_contains(out, secret));
  CHECK(fs::is_symlink(fs::symlink_status(out + "/etc/passwd")));  // kept as the link it is
  CHECK(fs::is_symlink(fs::symlink_status(out + "/leak")));
  CHECK(test::slurp(outside / "secret") == secret);
  CHECK(fs::directory_iterator(outside.path()) != fs::directory_iterator());
  int n = 0;
  for (auto& e : fs::directory_iterator(outside.path())) n += e.path().filename() != "secret";
  CHECK(n == 0);  // nothing written next to the secret
}

TEST_CASE("build: a manifest path with .. stays inside the source", "[build]") {
  test::TempDir outside, src, work;
  outside.write("secret", "outside-secret-dotdot");
  src.mkdir("etc");
  pare::Manifest pm;
  pm.tool_version = "t";
  pm.started_at = pm.ended_at = "x";
  pm.paths["/../../../../.." + outside.path() + "/secret"] = {};
  pm.paths["/../../../../.." + outside.path() + "/secret"].why = {"traced"};
  std::string m = work.write("m.json", pare::manifest_to_string(pm));
  auto r = test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", work / "out"});
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(tree_contains(work / "out", "outside-secret-dotdot"));
  CHECK_THAT(r.err, Catch::Contains("not in the source"));
}

TEST_CASE("build: outputs are whole or absent - bad input is one line", "[build]") {
  test::TempDir src, work;
  src.write("etc/hostname", "h\n");
  std::string m = test::manifest_with(work, {{"/etc/hostname", "file"}});
  std::string out = work.write("out/keep-me", "old");

  auto refused = test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", work / "out"});
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("--force"));
  CHECK(test::slurp(out) == "old");

  auto forced = test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", work / "out", "--force"});
  REQUIRE(forced.exit_code == 0);
  CHECK_FALSE(fs::exists(out));
  CHECK(test::slurp(work / "out/etc/hostname") == "h\n");

  std::string bad = work.write("bad.json", "{\"schema_version\": 1, \"paths\": [");
  auto malformed = test::run_pare({"build", "--manifest", bad, "--from", src.path(), "-o", work / "out2"});
  CHECK(malformed.exit_code == 4);
  CHECK(std::count(malformed.err.begin(), malformed.err.end(), '\n') == 1);
  CHECK_FALSE(fs::exists(work / "out2"));

  auto no_src = test::run_pare({"build", "--manifest", m, "--from", work / "nope", "-o", work / "out3"});
  CHECK(no_src.exit_code == 4);
  CHECK_FALSE(fs::exists(work / "out3"));
  for (auto& e : fs::directory_iterator(work.path()))
    CHECK(e.path().filename().string().find(".pare-tmp-") == std::string::npos);
}

TEST_CASE("build: a recorded program runs again in its minimal rootfs under chroot", "[build][chroot]") {
  test::TempDir work;
  const std::string script =
      "head -1 /etc/os-release; python3 -c 'import json, hashlib; print(json.dumps({\"md5\": "
      "hashlib.md5(b\"pare\").hexdigest()}))'; ls /usr/bin/python3 >/dev/null && date -u -d @0 +%Y";
  auto host = test::run({"/bin/sh", "-c", script});
  REQUIRE(host.exit_code == 0);
  auto rec = test::run_pare({"record", "-o", work / "m.json", "--", "/bin/sh", "-c", script});
  INFO(rec.err);
  REQUIRE(rec.exit_code == 0);
  std::string out = work / "rootfs";
  auto b = test::run_pare({"build", "--manifest", work / "m.json", "--from", "/", "-o", out});
  INFO(b.err);
  REQUIRE(b.exit_code == 0);
  CHECK_FALSE(fs::exists(out + "/usr/share/doc"));
  CHECK_FALSE(fs::exists(out + "/usr/bin/gcc"));
  // A runtime provides /dev and /proc (pseudo paths are never copied): so does
  // this test, in a private mount namespace, before the chroot.
  fs::create_directories(out + "/dev");
  fs::create_directories(out + "/proc");
  std::string run_in_chroot = "mount --bind /dev '" + out + "/dev' && mount -t proc proc '" + out +
                              "/proc' && exec chroot '" + out + "' /bin/sh -c \"$0\"";
  auto again = test::run({"/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", run_in_chroot, script});
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(again.out == host.out);
}

TEST_CASE("build oci: same inputs, same digest - skopeo and umoci read it", "[build][oci]") {
  test::TempDir src, work;
  src.mkdir("usr/bin");
  fs::copy_file("/usr/bin/true", src / "usr/bin/true");
  src.write("etc/app.conf", "x=1\n");
  std::string m = test::manifest_with(work, {{"/usr/bin/true", "file"}, {"/etc/app.conf", "file"}});
  for (const char* out : {"a", "b"}) {
    auto r = test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", work / out, "--format", "oci",
                             "--entrypoint", "/usr/bin/true"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  CHECK(test::slurp(work / "a/index.json") == test::slurp(work / "b/index.json"));
  auto inspect = test::run({"/usr/bin/skopeo", "inspect", "oci:" + work / "a:latest"});
  INFO(inspect.err);
  CHECK(inspect.exit_code == 0);
  auto unpack = test::run({"/usr/bin/umoci", "unpack", "--image", work / "a:latest", work / "bundle"});
  INFO(unpack.err);
  REQUIRE(unpack.exit_code == 0);
  CHECK(test::slurp(work / "bundle/rootfs/etc/app.conf") == "x=1\n");
  auto archive = test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", work / "img.tar", "--format",
                                 "oci-archive"});
  REQUIRE(archive.exit_code == 0);
  CHECK(test::run({"/usr/bin/skopeo", "inspect", "oci-archive:" + work / "img.tar"}).exit_code == 0);
}

TEST_CASE("build: OUT with a trailing slash - OUT inside the source is refused", "[build]") {
  test::TempDir src, work;
  src.write("etc/hostname", "h\n");
  std::string m = test::manifest_with(work, {{"/etc/hostname", "file"}});
  auto r = test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", work / "out/"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(test::slurp(work / "out/etc/hostname") == "h\n");
  auto inside = test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", src / "out"});
  CHECK(inside.exit_code == 2);
  CHECK_THAT(inside.err, Catch::Contains("inside the source"));
  CHECK_FALSE(std::filesystem::exists(src / "out"));
}
