// unpack_image on crafted OCI layouts and docker archives: layer stacking with
// whiteouts and opaque dirs, metadata kept exactly, tag selection, digest
// checks. Root: owners, setuid bits and security.capability are checked.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "image/image_source.h"
#include "image_fixture.h"
#include "support/run_pare.h"

using namespace imgtest;
using pare::Error;
using pare::SourceKind;

namespace {

// Layer 1 has a bit of everything; layer 2 removes a file and a directory,
// makes one directory opaque and replaces a file.
std::vector<TarEntry> layer1() {
  TarEntry ping = file("usr/bin/ping", "ELF-ping", 04755);
  ping.xattrs = {{"security.capability", cap_net_bind_service()}};
  TarEntry tool = file("usr/bin/tool", "tool-bytes", 02750);
  tool.uid = 1234;
  tool.gid = 5678;
  tool.mtime = 1500000000;
  TarEntry fifo;
  fifo.name = "run/ctl";
  fifo.type = 'p';
  fifo.mode = 0600;
  return {dir("etc/"),
          file("etc/hosts", "old hosts\n"),
          dir("usr/"),
          dir("usr/bin/"),
          ping,
          tool,
          hard("usr/bin/tool2", "usr/bin/tool"),
          sym("bin", "usr/bin"),
          dir("tmp/", 01777),
          file("removeme.txt", "bye"),
          dir("olddir/"),
          file("olddir/a", "a"),
          dir("olddir/sub/"),
          file("olddir/sub/b", "b"),
          dir("opq/"),
          file("opq/old1", "old"),
          dir("opq/olddir/"),
          file("opq/olddir/x", "x"),
          dir("run/"),
          fifo};
}

std::vector<TarEntry> layer2() {
  return {whiteout("", "removeme.txt"),
          whiteout("", "olddir"),
          whiteout("", "never-there"),
          dir("opq/", 0700),
          file("opq/new", "fresh"),
          file("opq/.wh..wh..opq", ""),  // after its sibling: whiteouts still act first
          file("./etc/hosts", "new hosts\n")};
}

void check_stacked(const std::string& dest) {
  std::vector<std::string> want = {"bin",  "etc", "etc/hosts",    "opq",          "opq/new",      "run",
                                   "run/ctl", "tmp", "usr", "usr/bin", "usr/bin/ping", "usr/bin/tool", "usr/bin/tool2"};
  CHECK(list_tree(dest) == want);

  struct stat st, st2;
  REQUIRE(lstat((dest + "/usr/bin/ping").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 04755);
  CHECK(get_xattr(dest + "/usr/bin/ping", "security.capability") == cap_net_bind_service());

  REQUIRE(lstat((dest + "/usr/bin/tool").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 02750);
  CHECK(st.st_uid == 1234);
  CHECK(st.st_gid == 5678);
  CHECK(st.st_mtim.tv_sec == 1500000000);
  REQUIRE(lstat((dest + "/usr/bin/tool2").c_str(), &st2) == 0);
  CHECK(st2.st_ino == st.st_ino);
  CHECK(st.st_nlink == 2);

  REQUIRE(lstat((dest + "/bin").c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  CHECK(std::filesystem::read_symlink(dest + "/bin") == "usr/bin");
  REQUIRE(lstat((dest + "/tmp").c_str(), &st) == 0);
  CHECK(S_ISDIR(st.st_mode));
  CHECK((st.st_mode & 07777) == 01777);
  REQUIRE(lstat((dest + "/run/ctl").c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK((st.st_mode & 07777) == 0600);
  // Directory times are restored after their contents are written.
  REQUIRE(lstat((dest + "/usr/bin").c_str(), &st) == 0);
  CHECK(st.st_mtim.tv_sec == kMtime);
  // etc/ is not in layer 2, which replaces etc/hosts: it keeps layer 1's
  // time, not the time of the unpack (the same image, the same tree).
  REQUIRE(lstat((dest + "/etc").c_str(), &st) == 0);
  CHECK(st.st_mtim.tv_sec == kMtime);
  REQUIRE(lstat((dest + "/opq").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);
  CHECK(st.st_mtim.tv_sec == kMtime);  // layer 2 carries opq/ again: its time, though the directory existed

  CHECK(test::slurp(dest + "/etc/hosts") == "new hosts\n");
  CHECK(test::slurp(dest + "/opq/new") == "fresh");
}

}  // namespace

TEST_CASE("OCI layout: layers stack with whiteouts and opaque dirs and keep metadata", "[image][unpack]") {
  test::TempDir t;
  OciLayout oci(t / "oci");
  json config = make_config({layer1(), layer2()}, {{"Cmd", {"/bin/sh"}}});
  oci.add(oci.image_manifest({layer1(), layer2()}, config, {true, false}), "latest");

  CHECK(pare::detect_source_kind(oci.dir()) == SourceKind::kOciLayout);
  std::string dest = t.mkdir("dest");
  pare::UnpackedImage img = pare::unpack_image(oci.dir(), dest);
  CHECK(img.layers == 2);
  CHECK(img.config == config);
  check_stacked(dest);
}

TEST_CASE("OCI layout: DIR:TAG selects an image and unknown or missing tags fail", "[image][unpack]") {
  test::TempDir t;
  OciLayout oci(t / "oci");
  std::vector<TarEntry> one = {file("one", "1")}, two = {file("two", "2")};
  oci.add(oci.image_manifest({one}, make_config({one})), "one");
  oci.add(oci.image_manifest({two}, make_config({two})), "two");

  CHECK(pare::detect_source_kind(oci.dir() + ":two") == SourceKind::kOciLayout);
  std::string dest = t.mkdir("dest");
  pare::unpack_image(oci.dir() + ":two", dest);
  CHECK(list_tree(dest) == std::vector<std::string>{"two"});

  std::string d2 = t.mkdir("d2");
  try {
    pare::unpack_image(oci.dir() + ":nope", d2);
    FAIL("unknown tag accepted");
  } catch (const Error& e) {
    CHECK(e.code() == pare::kExitBadInput);
    CHECK_THAT(e.what(), Catch::Contains("nope") && Catch::Contains("one, two"));
  }
  CHECK_THROWS_WITH(pare::unpack_image(oci.dir(), d2), Catch::Contains("several images"));
  CHECK(list_tree(d2).empty());
}

TEST_CASE("OCI layout: a nested image index resolves to linux/amd64", "[image][unpack]") {
  test::TempDir t;
  OciLayout oci(t / "oci");
  std::vector<TarEntry> arm = {file("arch", "arm64")}, amd = {file("arch", "amd64")};
  std::string arm_m = oci.image_manifest({arm}, make_config({arm}));
  std::string amd_m = oci.image_manifest({amd}, make_config({amd}));
  json arm_d = descriptor("application/vnd.oci.image.manifest.v1+json", arm_m);
  arm_d["platform"] = {{"architecture", "arm64"}, {"os", "linux"}};
  json amd_d = descriptor("application/vnd.oci.image.manifest.v1+json", amd_m);
  amd_d["platform"] = {{"architecture", "amd64"}, {"os", "linux"}};
  json index = {{"schemaVersion", 2},
                {"mediaType", "application/vnd.oci.image.index.v1+json"},
                {"manifests", {arm_d, amd_d}}};
  std::string index_text = index.dump();
  oci.blob(index_text);
  oci.add(index_text, "multi", "application/vnd.oci.image.index.v1+json");

  std::string dest = t.mkdir("dest");
  pare::unpack_image(oci.dir() + ":multi", dest);
  CHECK(test::slurp(dest + "/arch") == "amd64");
}

TEST_CASE("OCI layout: corrupt blobs and malformed digests are refused before unpacking", "[image][unpack]") {
  test::TempDir t;
  std::vector<TarEntry> l1 = {file("a", "a")}, l2 = {file("b", "b")};

  SECTION("a layer blob whose content does not match its digest") {
    OciLayout oci(t / "oci");
    oci.add(oci.image_manifest({l1, l2}, make_config({l1, l2})), "latest");
    std::string bad = make_tar(l2);
    std::string path = oci.dir() + "/blobs/sha256/" + pare::sha256_hex(bad);
    bad[600] ^= 1;  // inside the file data; same size
    write_bytes(path, bad);
    std::string dest = t.mkdir("dest");
    CHECK_THROWS_WITH(pare::unpack_image(oci.dir(), dest), Catch::Contains("does not match its digest"));
    CHECK(list_tree(dest).empty());  // layer 1 was not applied either
  }
  SECTION("a digest that climbs out of blobs/") {
    OciLayout oci(t / "oci");
    std::string m = oci.image_manifest({l1}, make_config({l1}));
    json d = descriptor("application/vnd.oci.image.manifest.v1+json", m);
    d["digest"] = "sha256:../../../../../../etc/passwd";
    oci.add_descriptor(d);
    std::string dest = t.mkdir("dest");
    try {
      pare::unpack_image(oci.dir(), dest);
      FAIL("digest with ../ accepted");
    } catch (const Error& e) {
      CHECK(e.code() == pare::kExitBadInput);
      CHECK_THAT(e.what(), Catch::Contains("malformed digest"));
    }
  }
  SECTION("uppercase hex and other algorithms") {
    OciLayout oci(t / "oci");
    std::string m = oci.image_manifest({l1}, make_config({l1}));
    json d = descriptor("application/vnd.oci.image.manifest.v1+json", m);
    std::string hex = d["digest"].get<std::string>().substr(7);
    std::transform(hex.begin(), hex.end(), hex.begin(), ::toupper);
    d["digest"] = "sha256:" + hex;
    oci.add_descriptor(d);
    CHECK_THROWS_WITH(pare::unpack_image(oci.dir(), t.mkdir("dest")), Catch::Contains("malformed digest"));
    CHECK_THROWS_WITH(pare::digest_hex("sha512:" + std::string(128, 'a'), "x"), Catch::Contains("only sha256"));
  }
  SECTION("a missing blob") {
    OciLayout oci(t / "oci");
    oci.add(oci.image_manifest({l1}, make_config({l1})), "latest");
    std::filesystem::remove(oci.dir() + "/blobs/sha256/" + pare::sha256_hex(make_tar(l1)));
    CHECK_THROWS_WITH(pare::unpack_image(oci.dir(), t.mkdir("dest")), Catch::Contains("missing"));
  }
}

TEST_CASE("docker save archives unpack like the OCI layout", "[image][unpack][docker]") {
  test::TempDir t;
  json config = make_config({layer1(), layer2()}, {{"Cmd", {"/bin/sh"}}});
  OciLayout oci(t / "oci");
  oci.add(oci.image_manifest({layer1(), layer2()}, config), "latest");
  std::string from_oci = t.mkdir("from-oci");
  pare::unpack_image(oci.dir(), from_oci);

  for (bool new_format : {false, true}) {
    INFO("new format: " << new_format);
    std::string tar = t / (new_format ? "new.tar" : "legacy.tar");
    make_docker_archive(tar, {layer1(), layer2()}, config, {"example/app:1.0"}, new_format);
    CHECK(pare::detect_source_kind(tar) == SourceKind::kDockerArchive);
    std::string dest = t.mkdir(new_format ? "from-new" : "from-legacy");
    pare::UnpackedImage img = pare::unpack_image(tar + ":example/app:1.0", dest);
    CHECK(img.layers == 2);
    CHECK(img.config == config);
    check_stacked(dest);
    auto got = snapshot(dest), want = snapshot(from_oci);
    CHECK(got.size() == want.size());
    for (auto& [path, line] : want) {  // entry by entry, so a failure names the path
      INFO(path);
      CHECK(got[path] == line);
    }
    // The scratch copies of the layers are gone.
    for (const std::string& n : list_tree(t.path()))
      CHECK(n.find(".pare-docker") == std::string::npos);
  }

  SECTION("a layer that does not match the config's diff_id") {
    json wrong = config;
    wrong["rootfs"]["diff_ids"][1] = "sha256:" + std::string(64, '0');
    std::string tar = t / "wrong.tar";
    make_docker_archive(tar, {layer1(), layer2()}, wrong, {"x:1"}, false);
    std::string dest = t.mkdir("wrong");
    CHECK_THROWS_WITH(pare::unpack_image(tar, dest), Catch::Contains("diff_id"));
    CHECK(list_tree(dest).empty());
    for (const std::string& n : list_tree(t.path())) CHECK(n.find(".pare-docker") == std::string::npos);
  }
  SECTION("an unknown tag") {
    std::string tar = t / "tagged.tar";
    make_docker_archive(tar, {layer1()}, make_config({layer1()}), {"x:1"}, true);
    CHECK_THROWS_WITH(pare::unpack_image(tar + ":x:2", t.mkdir("d")), Catch::Contains("no image tagged 'x:2'"));
  }
}

TEST_CASE("source kinds: rootfs dirs and files that are not images", "[image][unpack]") {
  test::TempDir t;
  t.write("rootfs/etc/hosts", "x");
  CHECK(pare::detect_source_kind(t / "rootfs") == SourceKind::kRootfsDir);
  t.write("plain.txt", "not a tar");
  CHECK_THROWS_AS(pare::detect_source_kind(t / "plain.txt"), Error);
  CHECK_THROWS_AS(pare::detect_source_kind(t / "missing"), Error);
  CHECK_THROWS_AS(pare::detect_source_kind(t / "rootfs:tag"), Error);
  write_bytes(t / "other.tar", make_tar({file("x", "y")}));
  CHECK_THROWS_WITH(pare::detect_source_kind(t / "other.tar"), Catch::Contains("manifest.json"));
}
