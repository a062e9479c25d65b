// pare build against deep, live and big sources, and as a non-root user:
// a 40 KB manifest path costs loop turns, not stack; files and directories
// that vanish while a live source is copied or measured are skipped and
// counted; a directory source is not walked for the report unless asked;
// a non-root OCI build carries the source's owners, modes and xattrs.
// Root: the sources are made with several owners and file capabilities, and
// the non-root builds run under setpriv as uid 65534.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "build/rootfs_copy.h"
#include "build/size_report.h"
#include "manifest/manifest.h"
#include "resolve/root_fs.h"
#include "support/manifest_files.h"
#include "support/run_pare.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr uid_t kNobody = 65534;

// A valid VFS_CAP_REVISION_2 security.capability: CAP_NET_BIND_SERVICE permitted + effective.
std::string cap_net_bind_service() {
  const unsigned char v[20] = {0x01, 0x00, 0x00, 0x02, 0x00, 0x04};
  return std::string(reinterpret_cast<const char*>(v), sizeof v);
}

std::string xattr_of(const std::string& p, const char* name) {
  char buf[256];
  ssize_t n = lgetxattr(p.c_str(), name, buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

void set_owner_mode(const std::string& p, uid_t uid, gid_t gid, mode_t mode) {
  REQUIRE(lchown(p.c_str(), uid, gid) == 0);
  struct stat st;
  REQUIRE(lstat(p.c_str(), &st) == 0);
  if (!S_ISLNK(st.st_mode)) REQUIRE(chmod(p.c_str(), mode) == 0);  // after chown, which clears setuid
}

// --- the deep path, run in a child on a small stack ---

struct DeepCopy {
  std::string src, out, path;
  int rc = 3;
};

void* deep_copy_thread(void* arg) {
  auto* job = static_cast<DeepCopy*>(arg);
  try {
    pare::RootFs root(job->src);
    pare::CopyResult r = pare::copy_into(root, {job->path}, job->out);
    job->rc = r.not_in_source.size() == 1 && r.not_in_source[0] == job->path && r.entries == 100 ? 0 : 1;
  } catch (...) {
    job->rc = 2;
  }
  return nullptr;
}

// Copies JOB in a forked child, on a thread with STACK bytes of stack; the
// child exits with JOB's rc, or 4 when it used more than MAX_RSS_KB.
int copy_in_child(DeepCopy job, size_t stack, long max_rss_kb) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack);
    pthread_t t;
    if (pthread_create(&t, &attr, deep_copy_thread, &job) != 0) _exit(5);
    pthread_join(t, nullptr);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    _exit(job.rc != 0 ? job.rc : ru.ru_maxrss > max_rss_kb ? 4 : 0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// --- reading the layer of an OCI layout ---

struct LayerEntry {
  int64_t uid = -1, gid = -1;
  mode_t mode = 0;  // type and permission bits
  std::string hardlink, symlink;
  std::map<std::string, std::string> xattrs;
};

std::map<std::string, LayerEntry> layer_entries(const std::string& layout) {
  auto blob = [&](const json& desc) { return layout + "/blobs/sha256/" + desc["digest"].get<std::string>().substr(7); };
  json index = json::parse(test::slurp(layout + "/index.json"));
  json manifest = json::parse(test::slurp(blob(index["manifests"][0])));
  std::string layer = blob(manifest["layers"][0]);
  std::map<std::string, LayerEntry> out;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_filename(a, layer.c_str(), 1 << 16) == ARCHIVE_OK);
  archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    LayerEntry le;
    le.uid = archive_entry_uid(e);
    le.gid = archive_entry_gid(e);
    le.mode = archive_entry_mode(e);
    if (const char* h = archive_entry_hardlink(e)) le.hardlink = h;
    if (const char* s = archive_entry_symlink(e)) le.symlink = s;
    archive_entry_xattr_reset(e);
    const char* name;
    const void* value;
    size_t size;
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
      le.xattrs[name] = std::string(static_cast<const char*>(value), size);
    std::string path = archive_entry_pathname(e);
    if (!path.empty() && path.back() == '/') path.pop_back();
    out[path] = le;
  }
  archive_read_free(a);
  return out;
}

// A source with several owners, setuid/setgid files, a file capability and a
// hard link, readable by everyone; and a work directory nobody can write.
struct OwnedSource {
  test::TempDir src, work;
  std::string manifest, out_parent;

  OwnedSource() {
    REQUIRE(chmod(src.path().c_str(), 0755) == 0);
    REQUIRE(chmod(work.path().c_str(), 0755) == 0);
    src.write("usr/bin/ping", "ELF-ping");
    set_owner_mode(src / "usr/bin/ping", 0, 0, 04755);
    std::string cap = cap_net_bind_service();
    REQUIRE(setxattr((src / "usr/bin/ping").c_str(), "security.capability", cap.data(), cap.size(), 0) == 0);
    REQUIRE(link((src / "usr/bin/ping").c_str(), (src / "usr/bin/ping6").c_str()) == 0);
    src.write("usr/bin/wall", "ELF-wall");
    set_owner_mode(src / "usr/bin/wall", 0, 5, 02755);
    src.write("home/user/notes", "n\n");
    set_owner_mode(src / "home/user/notes", 1000, 1000, 0644);
    set_owner_mode(src / "home/user", 1000, 1000, 0755);
    src.write("srv/www/index.html", "hi\n");
    set_owner_mode(src / "srv/www/index.html", 33, 33, 0644);
    src.mkdir("var");
    src.symlink("var/www", "/srv/www");
    set_owner_mode(src / "var/www", 33, 33, 0777);
    manifest = test::manifest_with(work, {{"/usr/bin/ping", "file"},
                                    {"/usr/bin/ping6", "file"},
                                    {"/usr/bin/wall", "file"},
                                    {"/home/user/notes", "file"},
                                    {"/var/www", "symlink"},
                                    {"/srv/www/index.html", "file"}});
    out_parent = work.mkdir("out");
    REQUIRE(chown(out_parent.c_str(), kNobody, kNobody) == 0);
  }

  test::RunResult build_as_nobody(const std::vector<std::string>& extra) const {
    std::vector<std::string> argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PARE_BIN,
                                     "build", "--manifest", manifest, "--from", src.path()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return test::run(argv);
  }
};

void check_no_scratch_left(const std::string& dir) {
  for (auto& e : fs::directory_iterator(dir)) CHECK(e.path().filename().string().find(".pare-tmp-") == std::string::npos);
}

}  // namespace

TEST_CASE("build hardening: a 40 KB manifest path costs loop turns, not stack or memory", "[build][hardening]") {
  test::TempDir src, out;
  std::string existing;
  for (int i = 0; i < 100; ++i) existing += "/a";
  fs::create_directories(src.path() + existing);
  std::string path;
  for (int i = 0; i < 20000; ++i) path += "/a";  // 40 000 bytes, 20 000 components
  // One stack frame per component (the old recursion) overflows 256 KiB and
  // held every prefix of the path at once (400 MB).
  int rc = copy_in_child({src.path(), out.path(), path}, 256 << 10, 128 * 1024);
  CHECK(rc == 0);
  CHECK(fs::is_directory(out.path() + existing));
  CHECK_FALSE(fs::exists(out.path() + existing + "/a"));
}

TEST_CASE("build hardening: files that vanish between listing and copying are skipped and counted", "[build][hardening]") {
  test::TempDir src, out;
  for (const char* f : {"etc/a", "etc/b", "etc/c", "etc/d/x", "etc/early"}) src.write(f, f);
  src.symlink("etc/l", "a");
  fs::remove(src / "etc/early");  // gone before the copy starts: simply not in the source
  pare::RootFs root(src.path());
  pare::CopyOptions opts;
  opts.after_lstat = [&](const std::string& p) {
    if (p == "/etc/b") fs::remove(src / "etc/b");
    if (p == "/etc/c") {  // replaced by a FIFO: opening it must neither hang nor fail
      fs::remove(src / "etc/c");
      REQUIRE(mkfifo((src / "etc/c").c_str(), 0644) == 0);
    }
    if (p == "/etc/l") fs::remove(src / "etc/l");
    if (p == "/etc/d") fs::remove_all(src / "etc/d");
  };
  pare::CopyResult r = pare::copy_into(root, {"/etc/a", "/etc/b", "/etc/c", "/etc/l", "/etc/d/x", "/etc/early"}, out.path(), opts);
  CHECK(r.vanished == 3);  // b, c, l
  CHECK(r.not_in_source == std::vector<std::string>{"/etc/d/x", "/etc/early"});
  CHECK(test::slurp(out / "etc/a") == "etc/a");
  for (const char* f : {"etc/b", "etc/c", "etc/l", "etc/d/x"}) CHECK_FALSE(fs::exists(fs::symlink_status(out / f)));

  pare::SizeReport report = pare::size_report(src.path(), r, {false, "a test"});
  CHECK_THAT(pare::report_to_text(report), Catch::Contains("3 source entries vanished"));
  CHECK(pare::report_to_json(report)["vanished"] == 3);
}

TEST_CASE("build hardening: the size scan skips what vanishes, never follows links, never recurses", "[build][hardening]") {
  test::TempDir src, outside;
  outside.write("big", std::string(100000, 'x'));
  src.write("keep/a", "aaaa");
  src.write("gone/b", "bb");
  src.write("swapped/c", "c");
  src.symlink("link", outside.path());
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "d/";
  src.write(deep + "bottom", "b");  // deeper than the scan keeps open: left out, not fatal
  src.write("d/d/shallow", "ss");
  pare::TreeScan scan = pare::scan_tree(src.path(), [&](const std::string& dir) {
    if (dir == "/gone") fs::remove_all(src / "gone");
    if (dir == "/swapped") {  // a directory replaced by a symlink to elsewhere
      fs::remove_all(src / "swapped");
      fs::create_directory_symlink(outside.path(), src / "swapped");
    }
  });
  CHECK(scan.size.vanished == 2);
  CHECK(scan.files.count("/keep/a"));
  CHECK(scan.files.count("/d/d/shallow"));
  CHECK_FALSE(scan.files.count("/gone/b"));
  CHECK(scan.size.bytes == 4 + 2);  // nothing of outside/big, through either link

  // The root itself may be a symlink the user named (--from ./current): followed, like the copy does.
  test::TempDir named;
  named.symlink("current", src.path());
  CHECK(pare::scan_tree(named / "current").files.count("/keep/a"));
}

TEST_CASE("build hardening: a live source churning while pare build runs is never fatal", "[build][hardening]") {
  test::TempDir src, work;
  std::map<std::string, std::string> paths;
  for (int i = 0; i < 300; ++i) {
    src.write("churn/f" + std::to_string(i), std::string(4096, 'c'));
    paths["/churn/f" + std::to_string(i)] = "file";
  }
  std::string m = test::manifest_with(work, paths);
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    for (int round = 0; !stop; ++round)
      for (int i = 0; i < 300 && !stop; ++i) {
        std::string p = src / ("churn/f" + std::to_string(i));
        if (round % 2 == 0) {
          ::unlink(p.c_str());
        } else if (int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644); fd >= 0) {
          ::close(fd);
        }
      }
  });
  std::vector<test::RunResult> runs;
  for (int i = 0; i < 4; ++i)
    runs.push_back(test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", work / ("out" + std::to_string(i)),
                                   "--measure-source"}));
  stop = true;
  churn.join();
  for (auto& r : runs) {
    INFO(r.err);
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("build hardening: --from a directory is not walked for the report unless --measure-source", "[build][hardening]") {
  test::TempDir src, work;
  src.write("etc/hostname", "h\n");
  src.write("usr/bin/tool", "tool");
  src.write("usr/lib/libx.so", "lib");
  int made = 0;
  for (int d = 0; d < 50; ++d) {
    std::string dir = src.mkdir("big/d" + std::to_string(d));
    for (int f = 0; f < 1000; ++f) {
      int fd = ::open((dir + "/f" + std::to_string(f)).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      made += fd >= 0;
      if (fd >= 0) ::close(fd);
    }
  }
  REQUIRE(made == 50000);
  // Whoever walks the source opens big/: inotify sees it.
  int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  REQUIRE(in >= 0);
  REQUIRE(inotify_add_watch(in, (src / "big").c_str(), IN_OPEN) >= 0);
  auto opened = [&] {
    char buf[65536];
    ssize_t total = 0, n;
    while ((n = ::read(in, buf, sizeof buf)) > 0) total += n;
    return total > 0;
  };
  std::string m = test::manifest_with(work, {{"/etc/hostname", "file"}, {"/usr/bin/tool", "file"}, {"/usr/lib/libx.so", "file"}});

  auto r = test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", work / "out", "--report", work / "r.json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(opened());
  CHECK_THAT(r.err, Catch::Contains("before: not measured (the source is a directory; --measure-source walks it)"));
  json rep = json::parse(test::slurp(work / "r.json"));
  CHECK(rep["before"].is_null());
  CHECK(rep["before_not_measured"].is_string());
  CHECK(rep["ratio"].is_null());
  CHECK(rep["after"]["files"] == 3);

  auto measured = test::run_pare({"build", "--manifest", m, "--from", src.path(), "-o", work / "out2", "--report",
                                  work / "r2.json", "--measure-source"});
  INFO(measured.err);
  REQUIRE(measured.exit_code == 0);
  CHECK(opened());
  json rep2 = json::parse(test::slurp(work / "r2.json"));
  CHECK(rep2["before"]["files"] == 50003);
  CHECK(rep2["after"]["files"] == 3);
  CHECK(rep2["removed_by_dir"].size() == 50);
  ::close(in);
}

TEST_CASE("build hardening: non-root --format oci puts the source's owners, modes and xattrs in the layer",
          "[build][hardening][nonroot]") {
  OwnedSource s;
  std::string out = s.out_parent + "/image";
  auto r = s.build_as_nobody({"-o", out, "--format", "oci"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("not root") == std::string::npos);  // nothing is lost: no warning
  auto entries = layer_entries(out);
  for (auto& [name, e] : entries) INFO(name << " uid=" << e.uid << " gid=" << e.gid << " mode=" << std::oct << e.mode);

  const LayerEntry& ping = entries.at("usr/bin/ping");
  CHECK(ping.uid == 0);
  CHECK(ping.gid == 0);
  CHECK((ping.mode & 07777) == 04755);
  CHECK(ping.xattrs.count("security.capability"));
  if (ping.xattrs.count("security.capability")) CHECK(ping.xattrs.at("security.capability") == cap_net_bind_service());
  const LayerEntry& ping6 = entries.at("usr/bin/ping6");
  CHECK(ping6.hardlink == "usr/bin/ping");
  CHECK(ping6.uid == 0);
  const LayerEntry& wall = entries.at("usr/bin/wall");
  CHECK(wall.gid == 5);
  CHECK((wall.mode & 07777) == 02755);
  CHECK(entries.at("home/user").uid == 1000);
  CHECK(entries.at("home/user").gid == 1000);
  CHECK(S_ISDIR(entries.at("home/user").mode));
  CHECK(entries.at("home/user/notes").uid == 1000);
  CHECK((entries.at("home/user/notes").mode & 07777) == 0644);
  CHECK(entries.at("srv/www/index.html").uid == 33);
  CHECK(entries.at("var/www").uid == 33);
  CHECK(entries.at("var/www").symlink == "/srv/www");
  CHECK(entries.at("usr").uid == 0);
  check_no_scratch_left(s.out_parent);
}

TEST_CASE("build hardening: non-root --format dir warns before it copies, keeps what it can, and counts the rest",
          "[build][hardening][nonroot]") {
  OwnedSource s;
  std::string out = s.out_parent + "/rootfs";
  auto r = s.build_as_nobody({"-o", out, "--format", "dir"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  size_t warning = r.err.find("pare: warning: not root: the output directory keeps");
  REQUIRE(warning != std::string::npos);
  CHECK(warning == 0);  // the first thing said, before the work
  CHECK(warning < r.err.find("after:"));
  CHECK_THAT(r.err, Catch::Contains("not root: the output directory lacks"));
  CHECK(test::slurp(out + "/usr/bin/ping") == "ELF-ping");
  struct stat st;
  REQUIRE(lstat((out + "/usr/bin/ping").c_str(), &st) == 0);
  CHECK(st.st_uid == kNobody);
  CHECK((st.st_mode & 07777) == 0755);  // no setuid program of the builder's
  CHECK(xattr_of(out + "/usr/bin/ping", "security.capability").empty());
  CHECK(fs::read_symlink(out + "/var/www") == "/srv/www");
  check_no_scratch_left(s.out_parent);
}
