// write_oci_layout / write_oci_archive: the result is a valid image for real
// tools (skopeo, umoci), reproducible to the byte, carries the config the
// brief asks for, and round-trips through unpack_image.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "image/archive_util.h"
#include "image/image_source.h"
#include "image/oci_writer.h"
#include "image_fixture.h"
#include "support/run_pare.h"

using namespace imgtest;

namespace {

const std::string kSkopeo = "/usr/bin/skopeo";
const std::string kUmoci = "/usr/bin/umoci";

void set_owner_mode_time(const std::string& path, uid_t uid, gid_t gid, mode_t mode, time_t mtime) {
  REQUIRE(lchown(path.c_str(), uid, gid) == 0);
  struct stat st;
  REQUIRE(lstat(path.c_str(), &st) == 0);
  if (!S_ISLNK(st.st_mode)) REQUIRE(chmod(path.c_str(), mode) == 0);  // after chown, which clears setuid
  struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
  REQUIRE(utimensat(AT_FDCWD, path.c_str(), ts, AT_SYMLINK_NOFOLLOW) == 0);
}

// A small rootfs with every kind of entry and metadata a layer must keep.
// Times are fixed last, directories after their contents.
void make_rootfs(const test::TempDir& t, const std::string& name) {
  std::string r = t.mkdir(name);
  t.write(name + "/etc/hostname", "box\n");
  t.write(name + "/usr/bin/ping", "ELF-ping");
  t.write(name + "/usr/bin/app", "#!/bin/sh\necho app\n");
  t.write(name + "/home/user/secret", "s3cret");
  t.mkdir(name + "/tmp");
  t.mkdir(name + "/empty");
  t.symlink(name + "/bin", "usr/bin");
  REQUIRE(link((r + "/usr/bin/app").c_str(), (r + "/usr/bin/app-alias").c_str()) == 0);
  REQUIRE(mkfifo((r + "/tmp/fifo").c_str(), 0600) == 0);

  set_owner_mode_time(r + "/usr/bin/ping", 0, 0, 04755, 1600000001);
  std::string cap = cap_net_bind_service();
  REQUIRE(setxattr((r + "/usr/bin/ping").c_str(), "security.capability", cap.data(), cap.size(), 0) == 0);
  set_owner_mode_time(r + "/usr/bin/app", 0, 50, 02755, 1600000002);
  set_owner_mode_time(r + "/home/user/secret", 1000, 1000, 0600, 1600000003);
  set_owner_mode_time(r + "/etc/hostname", 0, 0, 0644, 1600000004);
  set_owner_mode_time(r + "/tmp/fifo", 0, 0, 0600, 1600000005);
  set_owner_mode_time(r + "/bin", 0, 0, 0777, 1600000006);
  set_owner_mode_time(r + "/home/user", 1000, 1000, 0700, 1600000007);
  set_owner_mode_time(r + "/tmp", 0, 0, 01777, 1600000008);
  for (const char* d : {"/etc", "/usr/bin", "/usr", "/home", "/empty"}) set_owner_mode_time(r + d, 0, 0, 0755, 1600000009);
}

json read_json(const std::string& path) { return json::parse(read_bytes(path)); }

json blob_json(const std::string& layout, const std::string& digest) {
  return read_json(layout + "/blobs/sha256/" + digest.substr(7));
}

test::RunResult run_tool(const std::vector<std::string>& argv, const test::TempDir& home) {
  // skopeo and umoci want a HOME for their (unused) per-user configuration.
  test::RunResult r = test::run(argv, {{"HOME", home.path()}, {"TMPDIR", home.path()}});
  INFO(argv[0] << " " << argv[1] << " stderr: " << r.err);
  CHECK(r.exit_code == 0);
  return r;
}

struct LayerEntryInfo {
  std::string name;
  std::string uname, gname;
  bool atime = false, ctime = false;
  std::string hardlink;
  size_t xattrs = 0;
};

// The entries of the gzip layer blob, in order.
std::vector<LayerEntryInfo> layer_entries(const std::string& path) {
  pare::ArchiveReader a = pare::open_tar_reader(path, path);
  std::vector<LayerEntryInfo> out;
  archive_entry* e;
  while (archive_read_next_header(a.get(), &e) == ARCHIVE_OK) {
    LayerEntryInfo i;
    i.name = archive_entry_pathname(e);
    i.uname = archive_entry_uname(e) ? archive_entry_uname(e) : "";
    i.gname = archive_entry_gname(e) ? archive_entry_gname(e) : "";
    i.atime = archive_entry_atime_is_set(e);
    i.ctime = archive_entry_ctime_is_set(e);
    i.hardlink = archive_entry_hardlink(e) ? archive_entry_hardlink(e) : "";
    i.xattrs = static_cast<size_t>(archive_entry_xattr_reset(e));
    out.push_back(i);
  }
  return out;
}

}  // namespace

TEST_CASE("write_oci_layout: a valid image for skopeo and umoci", "[image][writer]") {
  test::TempDir t, home;
  make_rootfs(t, "rootfs");
  pare::OciWriteResult res = pare::write_oci_layout(t / "rootfs", t / "out", {});

  CHECK(read_json(t / "out/oci-layout") == json{{"imageLayoutVersion", "1.0.0"}});
  json index = read_json(t / "out/index.json");
  REQUIRE(index["manifests"].size() == 1);
  CHECK(index["manifests"][0]["digest"] == res.manifest_digest);
  CHECK(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "latest");
  json manifest = blob_json(t / "out", res.manifest_digest);
  CHECK(manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
  CHECK(manifest["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json");
  CHECK(manifest["config"]["digest"] == res.config_digest);
  CHECK(manifest["layers"][0]["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(manifest["layers"][0]["digest"] == res.layer_digest);
  CHECK(manifest["layers"][0]["size"] == res.layer_bytes);
  // Every blob is named by its digest.
  for (const std::string& n : list_tree(t / "out/blobs/sha256"))
    CHECK(pare::sha256_hex(read_bytes(t / "out/blobs/sha256/" + n)) == n);
  CHECK(list_tree(t / "out/blobs/sha256").size() == 3);
  // No scratch directory left next to OUT.
  CHECK(list_tree(t.path()).size() == list_tree(t / "rootfs").size() + list_tree(t / "out").size() + 2);

  SECTION("skopeo inspect") {
    test::RunResult raw = run_tool({kSkopeo, "inspect", "--raw", "oci:" + t / "out"}, home);
    CHECK(json::parse(raw.out) == manifest);
    test::RunResult info = run_tool({kSkopeo, "inspect", "oci:" + t / "out"}, home);
    json j = json::parse(info.out);
    CHECK(j["Architecture"] == "amd64");
    CHECK(j["Os"] == "linux");
    CHECK(j["Layers"] == json::array({res.layer_digest}));
  }
  SECTION("umoci unpack keeps files, modes and owners") {
    std::string copy = t / "copy";  // umoci may touch the layout; keep OUT pristine
    std::filesystem::copy(t / "out", copy, std::filesystem::copy_options::recursive);
    run_tool({kUmoci, "unpack", "--image", copy + ":latest", t / "bundle"}, home);
    std::string rootfs = t / "bundle/rootfs";
    struct stat st;
    REQUIRE(lstat((rootfs + "/usr/bin/ping").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 04755);
    REQUIRE(lstat((rootfs + "/home/user/secret").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(st.st_uid == 1000);
    CHECK(st.st_gid == 1000);
    REQUIRE(lstat((rootfs + "/usr/bin/app").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 02755);
    CHECK(st.st_gid == 50);
    CHECK(test::slurp(rootfs + "/etc/hostname") == "box\n");
    CHECK(std::filesystem::read_symlink(rootfs + "/bin") == "usr/bin");
    CHECK(get_xattr(rootfs + "/usr/bin/ping", "security.capability") == cap_net_bind_service());
  }
}

TEST_CASE("write_oci_layout: the layer tar is sorted and numeric and stable", "[image][writer]") {
  test::TempDir t;
  make_rootfs(t, "rootfs");
  pare::OciWriteResult res = pare::write_oci_layout(t / "rootfs", t / "out", {});
  std::vector<LayerEntryInfo> entries = layer_entries(t / "out/blobs/sha256/" + res.layer_digest.substr(7));

  std::vector<std::string> names;
  for (auto& e : entries) names.push_back(e.name);
  std::vector<std::string> want = {"bin",           "empty/",           "etc/",         "etc/hostname",
                                   "home/",         "home/user/",       "home/user/secret", "tmp/",
                                   "tmp/fifo",      "usr/",             "usr/bin/",     "usr/bin/app",
                                   "usr/bin/app-alias", "usr/bin/ping"};
  CHECK(names == want);
  for (auto& e : entries) {
    INFO(e.name);
    CHECK(e.uname.empty());
    CHECK(e.gname.empty());
    CHECK_FALSE(e.atime);
    CHECK_FALSE(e.ctime);
    CHECK(e.xattrs == (e.name == "usr/bin/ping" ? 1u : 0u));
    CHECK(e.hardlink == (e.name == "usr/bin/app-alias" ? "usr/bin/app" : ""));
  }
  // The gzip header carries no time and no name (bytes 4-7 mtime, flag byte 3).
  std::string blob = read_bytes(t / "out/blobs/sha256/" + res.layer_digest.substr(7));
  REQUIRE(blob.size() > 10);
  CHECK(blob.substr(0, 3) == std::string("\x1f\x8b\x08", 3));
  CHECK(blob[3] == 0);
  CHECK(blob.substr(4, 4) == std::string(4, '\0'));
  CHECK(res.diff_id == "sha256:" + pare::decompressed_sha256(t / "out/blobs/sha256/" + res.layer_digest.substr(7), "layer"));
}

TEST_CASE("write_oci_layout: reproducible digests", "[image][writer]") {
  test::TempDir t;
  make_rootfs(t, "rootfs");
  pare::OciWriteOptions o;
  o.cmd = std::vector<std::string>{"/bin/app"};
  pare::OciWriteResult a = pare::write_oci_layout(t / "rootfs", t / "a", o);
  pare::OciWriteResult b = pare::write_oci_layout(t / "rootfs", t / "b", o);
  CHECK(a.manifest_digest == b.manifest_digest);
  CHECK(a.layer_digest == b.layer_digest);
  CHECK(a.config_digest == b.config_digest);
  CHECK(snapshot(t / "a") .size() == snapshot(t / "b").size());

  // Same contents rebuilt elsewhere (other inode numbers, other creation
  // order): same image.
  make_rootfs(t, "rootfs2");
  pare::OciWriteResult c = pare::write_oci_layout(t / "rootfs2", t / "c", o);
  CHECK(c.manifest_digest == a.manifest_digest);

  // A metadata change is a different image.
  REQUIRE(chmod((t / "rootfs2/etc/hostname").c_str(), 0600) == 0);
  struct timespec keep[2] = {{1600000004, 0}, {1600000004, 0}};
  REQUIRE(utimensat(AT_FDCWD, (t / "rootfs2/etc/hostname").c_str(), keep, 0) == 0);
  pare::OciWriteResult d = pare::write_oci_layout(t / "rootfs2", t / "d", o);
  CHECK(d.layer_digest != a.layer_digest);
}

TEST_CASE("write_oci_layout: config from the base image with overrides", "[image][writer]") {
  test::TempDir t;
  t.write("rootfs/app", "x");
  json base = {{"architecture", "amd64"},
               {"os", "linux"},
               {"created", "2024-05-06T07:08:09Z"},
               {"container_config", {{"Hostname", "builder"}}},
               {"history", json::array({{{"created_by", "RUN something"}}})},
               {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + std::string(64, 'a')}}}},
               {"config",
                {{"User", "1000:1000"},
                 {"WorkingDir", "/srv"},
                 {"ExposedPorts", {{"8080/tcp", json::object()}}},
                 {"Labels", {{"org.example", "yes"}}},
                 {"StopSignal", "SIGQUIT"},
                 {"Volumes", {{"/data", json::object()}}},
                 {"Env", {"PATH=/usr/bin", "A=1"}},
                 {"Entrypoint", {"/old"}},
                 {"Cmd", {"old-arg"}},
                 {"Hostname", "dropped"}}}};

  SECTION("entrypoint, cmd and env overrides") {
    pare::OciWriteOptions o;
    o.base_config = base;
    o.entrypoint = std::vector<std::string>{"/app"};
    o.cmd = std::vector<std::string>{"--serve"};
    o.env = {"A=2", "B=3"};
    o.tag = "v1";
    pare::OciWriteResult res = pare::write_oci_layout(t / "rootfs", t / "out", o);
    json cfg = blob_json(t / "out", res.config_digest);
    CHECK(cfg["architecture"] == "amd64");
    CHECK(cfg["os"] == "linux");
    CHECK(cfg["created"] == "2024-05-06T07:08:09Z");
    CHECK_FALSE(cfg.contains("container_config"));
    const json& c = cfg["config"];
    CHECK(c["Entrypoint"] == json{"/app"});
    CHECK(c["Cmd"] == json{"--serve"});
    CHECK(c["Env"] == json{"PATH=/usr/bin", "A=2", "B=3"});
    CHECK(c["User"] == "1000:1000");
    CHECK(c["WorkingDir"] == "/srv");
    CHECK(c["ExposedPorts"] == base["config"]["ExposedPorts"]);
    CHECK(c["Labels"] == json{{"org.example", "yes"}});
    CHECK(c["StopSignal"] == "SIGQUIT");
    CHECK(c["Volumes"] == base["config"]["Volumes"]);
    CHECK_FALSE(c.contains("Hostname"));
    CHECK(cfg["rootfs"] == json{{"type", "layers"}, {"diff_ids", {res.diff_id}}});
    CHECK(cfg["history"] == json::array({{{"created_by", "pare build"}, {"created", "2024-05-06T07:08:09Z"}}}));
    json index = read_json(t / "out/index.json");
    CHECK(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "v1");
  }
  SECTION("an entrypoint override drops the base image's Cmd") {
    pare::OciWriteOptions o;
    o.base_config = base;
    o.entrypoint = std::vector<std::string>{"/app"};
    pare::OciWriteResult res = pare::write_oci_layout(t / "rootfs", t / "out", o);
    json c = blob_json(t / "out", res.config_digest)["config"];
    CHECK(c["Entrypoint"] == json{"/app"});
    CHECK_FALSE(c.contains("Cmd"));
  }
  SECTION("a plain rootfs gets linux/amd64 and nothing from the clock") {
    pare::OciWriteResult res = pare::write_oci_layout(t / "rootfs", t / "out", {});
    json cfg = blob_json(t / "out", res.config_digest);
    CHECK(cfg == json{{"architecture", "amd64"},
                      {"os", "linux"},
                      {"config", json::object()},
                      {"rootfs", {{"type", "layers"}, {"diff_ids", {res.diff_id}}}},
                      {"history", json::array({{{"created_by", "pare build"}}})}});
  }
  SECTION("errors leave nothing behind") {
    pare::OciWriteOptions o;
    o.env = {"NOEQUALS"};
    CHECK_THROWS_AS(pare::write_oci_layout(t / "rootfs", t / "out", o), pare::Error);
    t.mkdir("exists");
    CHECK_THROWS_WITH(pare::write_oci_layout(t / "rootfs", t / "exists", {}), Catch::Contains("already exists"));
    CHECK_THROWS_AS(pare::write_oci_layout(t / "missing", t / "out", {}), pare::Error);
    CHECK(list_tree(t.path()) == std::vector<std::string>{"exists", "rootfs", "rootfs/app"});
  }
}

TEST_CASE("write_oci_layout round trip and reproducible oci-archive", "[image][writer]") {
  test::TempDir t, home;
  make_rootfs(t, "rootfs");
  pare::write_oci_layout(t / "rootfs", t / "out", {});

  std::string dest = t.mkdir("unpacked");
  pare::UnpackedImage img = pare::unpack_image(t / "out", dest);
  CHECK(img.layers == 1);
  CHECK(snapshot(dest) == snapshot(t / "rootfs"));
  CHECK(get_xattr(dest + "/usr/bin/ping", "security.capability") == cap_net_bind_service());

  pare::write_oci_archive(t / "out", t / "a.tar");
  sleep(1);  // a clock-dependent archive would differ now
  pare::write_oci_archive(t / "out", t / "b.tar");
  std::string a = read_bytes(t / "a.tar");
  CHECK(!a.empty());
  CHECK(a == read_bytes(t / "b.tar"));
  run_tool({kSkopeo, "inspect", "oci-archive:" + t / "a.tar"}, home);
  for (const std::string& n : list_tree(t.path())) CHECK(n.find(".tmp-") == std::string::npos);
}

TEST_CASE("images re-packed by skopeo unpack to the same tree", "[image][writer][docker]") {
  test::TempDir t, home;
  make_rootfs(t, "rootfs");
  pare::write_oci_layout(t / "rootfs", t / "out", {});

  // skopeo's docker-archive is the legacy `docker save` form, layer via symlink.
  run_tool({kSkopeo, "copy", "oci:" + t / "out", "docker-archive:" + t / "d.tar" + ":example/app:1"}, home);
  CHECK(pare::detect_source_kind(t / "d.tar") == pare::SourceKind::kDockerArchive);
  std::string from_docker = t.mkdir("from-docker");
  pare::unpack_image(t / "d.tar", from_docker);
  CHECK(snapshot(from_docker) == snapshot(t / "rootfs"));

  // A second tag added by skopeo to a copy of the layout: DIR:TAG picks it.
  std::filesystem::copy(t / "out", t / "multi", std::filesystem::copy_options::recursive);
  run_tool({kSkopeo, "copy", "docker-archive:" + t / "d.tar", "oci:" + t / "multi" + ":second"}, home);
  std::string second = t.mkdir("second");
  pare::unpack_image(t / "multi:second", second);
  CHECK(snapshot(second) == snapshot(t / "rootfs"));
  CHECK_THROWS_WITH(pare::unpack_image(t / "multi", t.mkdir("none")), Catch::Contains("latest, second"));
}
