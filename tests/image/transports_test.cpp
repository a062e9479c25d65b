// Image sources by transport (oci:, oci-archive:, docker-archive:, a bare
// oci-archive tar, containers-storage: without its tools) and the
// docker-archive writer: reproducible, read back by skopeo and by pare.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "common/error.h"
#include "image/archive_util.h"
#include "image/docker_archive_writer.h"
#include "image/image_source.h"
#include "image/oci_writer.h"
#include "image_fixture.h"
#include "support/run_pare.h"

using namespace imgtest;

namespace {

const std::string kSkopeo = "/usr/bin/skopeo";

// A small rootfs with the metadata a layer must keep: setuid, an owner, a
// capability xattr, a symlink and a hard link; times fixed last.
std::string make_rootfs(const test::TempDir& t, const std::string& name) {
  std::string r = t.mkdir(name);
  t.write(name + "/etc/hostname", "box\n");
  t.write(name + "/usr/bin/app", "#!/bin/sh\necho app\n", 0755);
  t.write(name + "/home/user/secret", "s3cret", 0600);
  t.symlink(name + "/bin", "usr/bin");
  REQUIRE(link((r + "/usr/bin/app").c_str(), (r + "/usr/bin/app-alias").c_str()) == 0);
  REQUIRE(chmod((r + "/usr/bin/app").c_str(), 04755) == 0);
  REQUIRE(lchown((r + "/home/user/secret").c_str(), 1000, 1000) == 0);
  std::string cap = cap_net_bind_service();
  REQUIRE(setxattr((r + "/usr/bin/app").c_str(), "security.capability", cap.data(), cap.size(), 0) == 0);
  for (const char* p : {"/etc/hostname", "/usr/bin/app", "/home/user/secret", "/bin", "/etc", "/usr/bin", "/usr",
                        "/home/user", "/home"}) {
    struct timespec ts[2] = {{kMtime, 0}, {kMtime, 0}};
    REQUIRE(utimensat(AT_FDCWD, (r + p).c_str(), ts, AT_SYMLINK_NOFOLLOW) == 0);
  }
  return r;
}

test::RunResult run_tool(const std::vector<std::string>& argv, const test::TempDir& home) {
  test::RunResult r = test::run(argv, {{"HOME", home.path()}, {"TMPDIR", home.path()}});
  INFO(argv[0] << " " << argv[1] << " stderr: " << r.err);
  CHECK(r.exit_code == 0);
  return r;
}

// Entry names of an (uncompressed) outer archive, in order.
std::vector<std::string> tar_names(const std::string& path) {
  pare::ArchiveReader a = pare::open_tar_reader(path, path);
  std::vector<std::string> out;
  archive_entry* e;
  while (archive_read_next_header(a.get(), &e) == ARCHIVE_OK) out.push_back(archive_entry_pathname(e));
  return out;
}

// The bytes of entry NAME of the tar at PATH.
std::string tar_member(const std::string& path, const std::string& name) {
  pare::ArchiveReader a = pare::open_tar_reader(path, path);
  archive_entry* e;
  while (archive_read_next_header(a.get(), &e) == ARCHIVE_OK) {
    if (name != archive_entry_pathname(e)) continue;
    std::string data(static_cast<size_t>(archive_entry_size(e)), '\0');
    REQUIRE(archive_read_data(a.get(), data.data(), data.size()) == static_cast<la_ssize_t>(data.size()));
    return data;
  }
  FAIL("no " << name << " in " << path);
  return "";
}

}  // namespace

TEST_CASE("oci-archive input: a bare tar and oci-archive:FILE[:TAG] unpack like the layout", "[image][transport]") {
  test::TempDir t, home;
  std::string rootfs = make_rootfs(t, "rootfs");
  pare::write_oci_layout(rootfs, t / "layout", {});
  pare::write_oci_archive(t / "layout", t / "img.tar");

  CHECK(pare::detect_source_kind(t / "img.tar") == pare::SourceKind::kOciArchive);
  CHECK(pare::detect_source_kind("oci-archive:" + t / "img.tar") == pare::SourceKind::kOciArchive);
  CHECK(pare::detect_source_kind("oci:" + t / "layout:latest") == pare::SourceKind::kOciLayout);
  for (std::string src : {t / "img.tar", "oci-archive:" + t / "img.tar", "oci-archive:" + t / "img.tar:latest"}) {
    INFO(src);
    std::string dest = t.mkdir("unpacked");
    pare::UnpackedImage img = pare::unpack_image(src, dest);
    CHECK(img.layers == 1);
    CHECK(snapshot(dest) == snapshot(rootfs));
    std::filesystem::remove_all(dest);
  }
  CHECK_THROWS_WITH(pare::unpack_image("oci-archive:" + t / "img.tar:other", t.mkdir("x")),
                    Catch::Contains("no image tagged 'other' (tags: latest)") && Catch::Contains(t / "img.tar"));

  // One written by skopeo, as `podman save --format oci-archive` writes them.
  run_tool({kSkopeo, "copy", "oci:" + t / "layout", "oci-archive:" + t / "skopeo.tar:app"}, home);
  std::string dest = t.mkdir("from-skopeo");
  pare::unpack_image(t / "skopeo.tar", dest);
  CHECK(snapshot(dest) == snapshot(rootfs));
  // The blobs were copied to a scratch directory beside DEST, and removed.
  for (const std::string& n : list_tree(t.path())) CHECK(n.find(".pare-oci-archive") == std::string::npos);
}

TEST_CASE("oci-archive input: only the layout's own files are taken out of the tar", "[image][transport]") {
  test::TempDir t;
  std::vector<TarEntry> layer = {dir("etc"), file("etc/hostname", "box\n")};
  OciLayout l(t.mkdir("layout"));
  l.add(l.image_manifest({layer}, make_config({layer})), "latest");
  std::string index = read_bytes(t / "layout/index.json");
  std::vector<TarEntry> outer = {file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"), file("index.json", index),
                                 file("../escaped", "x"), file("etc/passwd", "root:x:0:0::/:/bin/sh\n"),
                                 file("blobs/sha256/../../../climbed", "x")};
  for (const std::string& b : list_tree(t / "layout/blobs/sha256"))
    outer.push_back(file("blobs/sha256/" + b, read_bytes(t / "layout/blobs/sha256/" + b)));
  SECTION("extra and climbing names are ignored") {
    write_bytes(t / "in/img.tar", make_tar(outer));
    std::string dest = t.mkdir("out/dest");
    pare::unpack_image(t / "in/img.tar", dest);
    CHECK(list_tree(t / "out") == std::vector<std::string>{"dest", "dest/etc", "dest/etc/hostname"});
    CHECK(list_tree(t / "in") == std::vector<std::string>{"img.tar"});
  }
  SECTION("a blob stored as a symlink is never followed: it is missing") {
    std::string config_hex = pare::sha256_hex(make_config({layer}).dump());
    std::erase_if(outer, [&](const TarEntry& e) { return e.name == "blobs/sha256/" + config_hex; });
    outer.push_back(sym("blobs/sha256/" + config_hex, "/etc/passwd"));
    write_bytes(t / "in/img.tar", make_tar(outer));
    CHECK_THROWS_WITH(pare::unpack_image(t / "in/img.tar", t.mkdir("out/dest")),
                      Catch::Contains("is missing from " + t / "in/img.tar"));
  }
  SECTION("without index.json it is not an image") {
    write_bytes(t / "in/img.tar", make_tar({file("oci-layout", "{}"), file("other", "x")}));
    CHECK_THROWS_WITH(pare::detect_source_kind(t / "in/img.tar"), Catch::Contains("neither a `docker save` archive nor an oci-archive"));
  }
}

TEST_CASE("transport prefixes say what the source must be", "[image][transport]") {
  test::TempDir t;
  std::string rootfs = make_rootfs(t, "rootfs");
  pare::write_oci_layout(rootfs, t / "layout", {});
  pare::write_oci_archive(t / "layout", t / "img.tar");
  CHECK_THROWS_WITH(pare::detect_source_kind("docker-archive:" + t / "img.tar"),
                    Catch::Contains("is an oci-archive (oci-archive:FILE), not a docker archive"));
  CHECK_THROWS_WITH(pare::detect_source_kind("oci:" + rootfs), Catch::Contains("is not an OCI image layout"));
  CHECK_THROWS_WITH(pare::detect_source_kind("oci-archive:" + t / "layout"),
                    Catch::Contains("is an OCI layout (oci:DIR), not an oci-archive"));
  CHECK_THROWS_WITH(pare::detect_source_kind("oci-archive:" + t / "missing.tar"), Catch::Contains("No such file"));
  CHECK_THROWS_WITH(pare::detect_source_kind("containers-storage:"), Catch::Contains("names no image"));
  CHECK(pare::detect_source_kind(rootfs) == pare::SourceKind::kRootfsDir);
  CHECK(pare::detect_source_kind("podman:localhost/app:1") == pare::SourceKind::kContainersStorage);
  CHECK(pare::source_file_path("containers-storage:app") == "");
  CHECK(pare::source_file_path("oci-archive:" + t / "img.tar:latest") == t / "img.tar");
  CHECK(pare::source_file_path(t / "layout:latest") == t / "layout");
  // A path that exists is a path, whatever its colons look like.
  std::filesystem::copy(t / "layout", t / "oci:odd", std::filesystem::copy_options::recursive);
  CHECK(pare::source_file_path(t / "oci:odd") == t / "oci:odd");
}

TEST_CASE("containers-storage without podman or skopeo: one line, exit 3", "[image][transport]") {
  test::TempDir t;
  std::string empty_path = t.mkdir("no-tools");
  auto r = test::run_pare({"build", "--manifest", std::string(PARE_SOURCE_DIR) + "/tests/data/empty-manifest.json",
                           "--from", "containers-storage:localhost/app:1", "-o", t / "out"},
                          {{"PATH", empty_path}});
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("needs podman or skopeo"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(list_tree(t.path()) == std::vector<std::string>{"no-tools"});
}

TEST_CASE("containers-storage: Ctrl-C while podman exports stops it and leaves nothing", "[image][transport][interrupt]") {
  test::TempDir t;
  std::string mark = t / "exporting";
  // A stand-in podman: an image of 1000 bytes, and a save that writes part
  // of its -o DIR, then hangs.
  t.write("bin/podman",
          "#!/bin/sh\ncase \"$1\" in\n  image) echo 1000 ;;\n"
          "  save) mkdir -p \"$6\" && echo partial >\"$6/partial\" && touch '" + mark + "' && exec sleep 30 ;;\nesac\n",
          0755);
  t.mkdir("out");
  std::string path = std::getenv("PATH");
  setenv("PATH", (t / "bin:" + path).c_str(), 1);
  test::Background pare({PARE_BIN, "build", "--manifest", std::string(PARE_SOURCE_DIR) + "/tests/data/empty-manifest.json",
                         "--from", "podman:app", "-o", t / "out/img"});
  setenv("PATH", path.c_str(), 1);
  for (int i = 0; i < 3000 && !std::filesystem::exists(mark); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(std::filesystem::exists(mark));
  auto start = std::chrono::steady_clock::now();
  kill(pare.pid(), SIGINT);
  CHECK(pare.wait() == 130);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));  // the hung podman was stopped
  CHECK(list_tree(t / "out").empty());
}

TEST_CASE("write_docker_archive: reproducible, tagged by NAME:TAG, read back by skopeo and pare", "[image][writer][docker]") {
  test::TempDir t, home;
  std::string rootfs = make_rootfs(t, "rootfs");
  pare::OciWriteOptions o;
  o.tag = "localhost/app:slim";
  o.entrypoint = std::vector<std::string>{"/usr/bin/app"};
  pare::OciWriteResult a = pare::write_docker_archive(rootfs, t / "a.tar", o);
  sleep(1);  // a clock-dependent archive would differ now
  pare::OciWriteResult b = pare::write_docker_archive(rootfs, t / "b.tar", o);
  CHECK(read_bytes(t / "a.tar") == read_bytes(t / "b.tar"));
  CHECK(a.config_digest == b.config_digest);

  std::string config_hex = a.config_digest.substr(7), diff_hex = a.diff_id.substr(7);
  std::vector<std::string> names = {config_hex + ".json", diff_hex + ".tar", "manifest.json"};
  std::sort(names.begin(), names.end());  // sorted bytewise, whatever the digests
  CHECK(tar_names(t / "a.tar") == names);
  json manifest = json::parse(tar_member(t / "a.tar", "manifest.json"));
  CHECK(manifest == json::array({{{"Config", config_hex + ".json"},
                                  {"RepoTags", {"localhost/app:slim"}},
                                  {"Layers", {diff_hex + ".tar"}}}}));
  std::string config = tar_member(t / "a.tar", config_hex + ".json");
  CHECK(pare::sha256_hex(config) == config_hex);
  CHECK(json::parse(config)["rootfs"]["diff_ids"] == json::array({a.diff_id}));
  CHECK(pare::sha256_hex(tar_member(t / "a.tar", diff_hex + ".tar")) == diff_hex);  // plain: named by its content

  auto inspect = run_tool({kSkopeo, "inspect", "--config", "docker-archive:" + t / "a.tar"}, home);
  CHECK(json::parse(inspect.out)["config"]["Entrypoint"] == json::array({"/usr/bin/app"}));
  CHECK(pare::detect_source_kind("docker-archive:" + t / "a.tar:localhost/app:slim") == pare::SourceKind::kDockerArchive);
  std::string dest = t.mkdir("unpacked");
  pare::unpack_image(t / "a.tar:localhost/app:slim", dest);
  CHECK(snapshot(dest) == snapshot(rootfs));
  CHECK(get_xattr(dest + "/usr/bin/app", "security.capability") == cap_net_bind_service());

  // A bare tag names no repository: the archive is untagged.
  CHECK(pare::docker_repo_tag("latest") == "");
  pare::write_docker_archive(rootfs, t / "untagged.tar", {});
  CHECK(json::parse(tar_member(t / "untagged.tar", "manifest.json"))[0]["RepoTags"].is_null());
  for (const std::string& n : list_tree(t.path())) CHECK(n.find(".tmp") == std::string::npos);
}
