// Bounded unpacking: a layer that expands to far more than it weighs (a gzip
// bomb, a sparse entry declaring 100 GiB) is refused by --max-unpacked-size
// or by the free space of the scratch filesystem, at its header, before the
// bytes are written; the error is one line and nothing is left behind.
//
// The bombs are streamed, never held: a tar header declaring N bytes of
// zeros, followed by the same small gzip member of 1 MiB of zeros repeated
// (gzip allows concatenated members), so a 2 GiB entry is a 2 MB file made
// in milliseconds.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/error.h"
#include "image/image_source.h"
#include "image/unpack_budget.h"
#include "image_fixture.h"
#include "manifest/manifest.h"
#include "support/run_pare.h"

using namespace imgtest;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kMiB = 1ull << 20;

// One gzip member holding DATA.
std::string gzip_member(const std::string& data) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A ustar header block for a regular file NAME of SIZE bytes (up to 8 GiB).
std::string ustar_header(const std::string& name, uint64_t size, char type = '0') {
  std::string h(512, '\0');
  auto put = [&](size_t off, size_t len, const std::string& v) { h.replace(off, std::min(len, v.size()), v.substr(0, len)); };
  auto octal = [](uint64_t v, int width) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llo", width, static_cast<unsigned long long>(v));
    return std::string(buf);
  };
  put(0, 100, name);
  put(100, 8, octal(0644, 7));
  put(108, 8, octal(0, 7));
  put(116, 8, octal(0, 7));
  put(124, 12, octal(size, 11));
  put(136, 12, octal(kMtime, 11));
  put(148, 8, std::string(8, ' '));
  h[156] = type;
  put(257, 6, std::string("ustar\0", 6));
  put(263, 2, "00");
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  put(148, 8, octal(sum, 6) + std::string("\0 ", 2));
  return h;
}

// A regular file entry with its data, padded to whole blocks.
std::string tar_file(const std::string& name, const std::string& data) {
  std::string padded = data + std::string((512 - data.size() % 512) % 512, '\0');
  return ustar_header(name, data.size()) + padded;
}

// Writes, gzip-compressed, PREFIX followed by ZEROS zero bytes and the
// end-of-archive blocks: PREFIX's last header declares the zeros as its data.
std::string write_bomb(const std::string& path, const std::string& prefix, uint64_t zeros) {
  REQUIRE(zeros % kMiB == 0);
  std::ofstream out(path, std::ios::binary);
  out << gzip_member(prefix);
  std::string mib = gzip_member(std::string(kMiB, '\0'));
  for (uint64_t i = 0; i < zeros / kMiB; ++i) out << mib;
  out << gzip_member(std::string(1024, '\0'));
  REQUIRE(out.good());
  out.close();
  return read_bytes(path);
}

// An OCI layout whose only layer is the gzip'ed tar BLOB. Layouts do not
// carry verified diff_ids here, so the config's is a placeholder.
std::string layout_with_layer(const std::string& dir, const std::string& blob) {
  OciLayout oci(dir);
  std::string layer_digest = oci.blob(blob);
  json cfg = {{"architecture", "amd64"},
              {"os", "linux"},
              {"config", json::object()},
              {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + std::string(64, '0')}}}}};
  std::string cfg_text = cfg.dump();
  oci.blob(cfg_text);
  json m = {{"schemaVersion", 2},
            {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"config", descriptor("application/vnd.oci.image.config.v1+json", cfg_text)},
            {"layers", json::array({{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                                     {"digest", layer_digest},
                                     {"size", blob.size()}}})}};
  std::string text = m.dump();
  oci.blob(text);
  oci.add(text, "latest");
  return dir;
}

std::string manifest_of(const test::TempDir& t, const std::vector<std::string>& paths) {
  pare::Manifest m;
  m.tool_version = "test";
  m.started_at = m.ended_at = "2026-11-28T20:00:00.000Z";
  for (auto& p : paths) {
    auto& e = m.paths[p];
    e.type = "file";
    e.kinds = {"read"};
    e.why = {"traced"};
  }
  return t.write("manifest.json", pare::manifest_to_string(m));
}

void check_no_leftovers(const std::string& dir) {
  for (auto& e : fs::directory_iterator(dir)) {
    INFO(e.path());
    CHECK(e.path().filename().string().find(".pare-tmp-") == std::string::npos);
    CHECK(e.path().filename().string().find("pare-docker") == std::string::npos);
  }
}

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("unpack limits: sizes parse like 512M and 20G", "[unpack][limits]") {
  CHECK(pare::parse_size("512M") == 512 * kMiB);
  CHECK(pare::parse_size("20G") == 20ull << 30);
  CHECK(pare::parse_size("16GiB") == 16ull << 30);
  CHECK(pare::parse_size("1.5g") == 1536 * kMiB);
  CHECK(pare::parse_size("4096") == 4096u);
  CHECK(pare::parse_size("64mb") == 64 * kMiB);
  for (const char* bad : {"", "-5", "0x10", "12Q", "M", "1..5G", "1GG", "99999999999T", ".5G"}) {
    INFO(bad);
    CHECK_FALSE(pare::parse_size(bad));
  }
}

TEST_CASE("unpack limits: a gzip bomb layer is refused at its header, before a byte is written", "[unpack][limits]") {
  test::TempDir t;
  // 2 GiB of zeros in one entry, about 2 MB of gzip.
  std::string blob = write_bomb(t / "bomb.tar.gz", tar_file("etc/hostname", "box\n") + ustar_header("zeros", 2048 * kMiB), 2048 * kMiB);
  REQUIRE(blob.size() < 8 * kMiB);
  std::string layout = layout_with_layer(t / "image", blob);

  SECTION("unpack_image with a 64 MiB limit") {
    std::string dest = t.mkdir("dest");
    auto started = std::chrono::steady_clock::now();
    std::string err = error_text([&] { pare::unpack_image(layout, dest, 64 * kMiB); });
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK_THAT(err, Catch::Contains("image expands beyond 64.0 MiB (--max-unpacked-size)"));
    CHECK_THAT(err, Catch::Contains("'zeros'"));
    CHECK(seconds < 10);  // refused at the header, not after inflating 2 GiB
    CHECK(list_tree(dest).empty());  // the check runs before the layer is applied at all
  }

  SECTION("pare build --max-unpacked-size 64M: one line, exit 4, nothing left") {
    std::string m = manifest_of(t, {"/etc/hostname"});
    std::string parent = t.mkdir("out-parent");
    auto r = test::run_pare({"build", "--manifest", m, "--from", layout, "-o", parent + "/out", "--max-unpacked-size", "64M"});
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(lines(r.err) == 1);
    CHECK_THAT(r.err, Catch::StartsWith("pare: error: ") && Catch::Contains("--max-unpacked-size"));
    CHECK_FALSE(fs::exists(parent + "/out"));
    check_no_leftovers(parent);
  }

}

TEST_CASE("unpack limits: an image under the limit unpacks whole", "[unpack][limits]") {
  test::TempDir t;
  std::string blob = write_bomb(t / "zeros.tar.gz", ustar_header("zeros", 64 * kMiB), 64 * kMiB);
  std::string layout = layout_with_layer(t / "image", blob);
  std::string dest = t.mkdir("dest");
  std::string tight = t.mkdir("tight");
  // 64 MiB of data plus one 512-byte header: exactly the limit, then one byte short.
  pare::unpack_image(layout, dest, 64 * kMiB + 512);
  struct stat st;
  REQUIRE(lstat((dest + "/zeros").c_str(), &st) == 0);
  CHECK(st.st_size == static_cast<off_t>(64 * kMiB));
  CHECK_THROWS_WITH(pare::unpack_image(layout, tight, 64 * kMiB + 511), Catch::Contains("--max-unpacked-size"));
}

TEST_CASE("unpack limits: a sparse entry is counted at the size it declares", "[unpack][limits]") {
  test::TempDir t;
  // A pax GNU sparse 0.1 entry: 512 stored bytes standing for 100 GiB.
  std::string records;
  for (std::string kv : {"GNU.sparse.size=107374182400", "GNU.sparse.numblocks=1", "GNU.sparse.map=0,512"}) {
    std::string rec = " " + kv + "\n";
    size_t len = rec.size() + 2;
    if (std::to_string(len).size() + rec.size() != len) ++len;
    records += std::to_string(len) + rec;
  }
  std::string tar = ustar_header("PaxHeaders/sparse", records.size(), 'x') + records +
                    std::string((512 - records.size() % 512) % 512, '\0') + tar_file("sparse", std::string(512, 'x')) +
                    std::string(1024, '\0');
  std::string layout = layout_with_layer(t / "image", gzip_member(tar));
  std::string dest = t.mkdir("dest");
  std::string err = error_text([&] { pare::unpack_image(layout, dest, 1ull << 30); });
  CHECK_THAT(err, Catch::Contains("(--max-unpacked-size)") && Catch::Contains("'sparse'") && Catch::Contains("100.0 GiB"));
  CHECK(list_tree(dest).empty());
}

TEST_CASE("unpack limits: a gzip'ed docker archive cannot hide a huge layer", "[unpack][limits]") {
  test::TempDir t;
  std::string cfg = json{{"architecture", "amd64"},
                         {"os", "linux"},
                         {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + std::string(64, '0')}}}}}
                        .dump();
  std::string cfg_name = pare::sha256_hex(cfg) + ".json";
  json manifest = json::array({{{"Config", cfg_name}, {"RepoTags", {"bomb:1"}}, {"Layers", {"layer/layer.tar"}}}});
  std::string prefix = tar_file("manifest.json", manifest.dump()) + tar_file(cfg_name, cfg) + ustar_header("layer/layer.tar", 512 * kMiB);
  std::string archive = t / "bomb-docker.tar.gz";
  write_bomb(archive, prefix, 512 * kMiB);
  std::string parent = t.mkdir("out-parent");
  std::string m = manifest_of(t, {"/etc/hostname"});
  auto r = test::run_pare({"build", "--manifest", m, "--from", archive, "-o", parent + "/out", "--max-unpacked-size", "64M"});
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("image expands beyond 64.0 MiB (--max-unpacked-size)") && Catch::Contains("layer/layer.tar"));
  CHECK_FALSE(fs::exists(parent + "/out"));
  check_no_leftovers(parent);
}

TEST_CASE("unpack limits: a docker archive's blob copies and its contents are each bounded, not summed", "[unpack][limits]") {
  // A docker-save archive (gzip'ed) holding an uncompressed 40 MiB layer:
  // unpacking copies the layer tar aside (40 MiB) and extracts it (40 MiB).
  // The image expands to 40 MiB, so a 60 MiB limit must let it through.
  test::TempDir t;
  std::string zeros_mib = std::string(kMiB, '\0');
  std::string layer_head = ustar_header("zeros", 40 * kMiB);
  pare::Sha256 diff;
  diff.update(layer_head.data(), layer_head.size());
  for (int i = 0; i < 40; ++i) diff.update(zeros_mib.data(), zeros_mib.size());
  diff.update(std::string(1024, '\0').data(), 1024);
  uint64_t layer_size = 512 + 40 * kMiB + 1024;
  std::string cfg = json{{"architecture", "amd64"},
                         {"os", "linux"},
                         {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + diff.hex()}}}}}
                        .dump();
  std::string cfg_name = pare::sha256_hex(cfg) + ".json";
  json manifest = json::array({{{"Config", cfg_name}, {"RepoTags", {"big:1"}}, {"Layers", {"layer/layer.tar"}}}});
  // The outer archive: its last entry is the layer tar, whose own last bytes
  // (the layer's end blocks) are followed by the outer end blocks.
  std::string prefix = tar_file("manifest.json", manifest.dump()) + tar_file(cfg_name, cfg) +
                       ustar_header("layer/layer.tar", layer_size) + layer_head;
  std::string archive = t / "big-docker.tar.gz";
  write_bomb(archive, prefix, 40 * kMiB);  // + 1024 zeros: the layer's end blocks; the outer ones follow as EOF
  std::string dest = t.mkdir("dest");
  pare::unpack_image(archive, dest, 60 * kMiB);
  struct stat st;
  REQUIRE(lstat((dest + "/zeros").c_str(), &st) == 0);
  CHECK(st.st_size == static_cast<off_t>(40 * kMiB));
  CHECK_THROWS_WITH(pare::unpack_image(archive, t.mkdir("dest2"), 30 * kMiB), Catch::Contains("--max-unpacked-size"));
}

TEST_CASE("unpack limits: the scratch filesystem's free space bounds unpacking", "[unpack][limits][root]") {
  test::TempDir t;
  std::string blob = write_bomb(t / "bomb.tar.gz", tar_file("etc/hostname", "box\n") + ustar_header("zeros", 256 * kMiB), 256 * kMiB);
  std::string layout = layout_with_layer(t / "image", blob);
  std::string m = manifest_of(t, {"/etc/hostname"});
  std::string small = t.mkdir("small");
  // A 64 MiB tmpfs in a private mount namespace holds OUT (and so the scratch dir).
  std::string script = "mount -t tmpfs -o size=64m tmpfs \"$1\" && \"$2\" build --manifest \"$3\" --from \"$4\" -o \"$1/out\"; rc=$?; "
                       "ls -A \"$1\"; exit $rc";
  auto r = test::run({"/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", small,
                      PARE_BIN, m, layout});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("image expands beyond the") && Catch::Contains("free on the filesystem of"));
  CHECK(r.out.empty());  // ls -A of the tmpfs: no OUT, no scratch dir
}

TEST_CASE("unpack limits: Ctrl-C while a layer is written removes everything", "[unpack][limits][interrupt]") {
  test::TempDir t;
  std::string blob = write_bomb(t / "big.tar.gz", tar_file("etc/hostname", "box\n") + ustar_header("zeros", 1024 * kMiB), 1024 * kMiB);
  std::string layout = layout_with_layer(t / "image", blob);
  std::string m = manifest_of(t, {"/etc/hostname"});
  std::string parent = t.mkdir("out-parent");
  std::string err = t / "err";
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    execl(PARE_BIN, PARE_BIN, "build", "--manifest", m.c_str(), "--from", layout.c_str(), "-o", (parent + "/out").c_str(),
          static_cast<char*>(nullptr));
    _exit(126);
  }
  // Interrupt once the big entry is being written into the scratch directory.
  bool writing = false;
  for (int i = 0; i < 4000 && !writing; ++i) {
    for (auto& e : fs::directory_iterator(parent))
      writing |= fs::exists(e.path() / "source/zeros");
    if (!writing) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(writing);
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  INFO(read_bytes(err));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(lines(read_bytes(err)) == 1);
  CHECK_FALSE(fs::exists(parent + "/out"));
  check_no_leftovers(parent);
}
