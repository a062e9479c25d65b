// Test helpers for the image tests (header-only: tests/image/*.cpp other than
// *_test.cpp are not built): layer tars written with libarchive in memory, OCI
// layouts and `docker save` archives assembled from them, and a snapshot of a
// tree (type, mode, owner, mtime, content, link target, xattrs, hard links) to
// compare unpacked results exactly.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/sha256.h"
#include "support/run_pare.h"

namespace imgtest {

using nlohmann::json;

// A valid VFS_CAP_REVISION_2 security.capability value: effective, permitted
// CAP_NET_BIND_SERVICE (bit 10). The kernel refuses malformed ones.
inline std::string cap_net_bind_service() {
  const unsigned char v[20] = {0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
                               0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  return std::string(reinterpret_cast<const char*>(v), sizeof v);
}

constexpr time_t kMtime = 1600000000;

struct TarEntry {
  std::string name;
  char type = 'f';   // f file, d dir, l symlink, h hard link, p fifo, c char device
  std::string data;  // file content
  std::string link;  // symlink or hard link target
  mode_t mode = 0644;
  int64_t uid = 0, gid = 0;
  time_t mtime = kMtime;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

inline TarEntry file(std::string name, std::string data, mode_t mode = 0644) {
  TarEntry e;
  e.name = std::move(name);
  e.data = std::move(data);
  e.mode = mode;
  return e;
}
inline TarEntry dir(std::string name, mode_t mode = 0755) {
  TarEntry e;
  e.name = std::move(name);
  e.type = 'd';
  e.mode = mode;
  return e;
}
inline TarEntry sym(std::string name, std::string target) {
  TarEntry e;
  e.name = std::move(name);
  e.type = 'l';
  e.link = std::move(target);
  e.mode = 0777;
  return e;
}
inline TarEntry hard(std::string name, std::string target) {
  TarEntry e;
  e.name = std::move(name);
  e.type = 'h';
  e.link = std::move(target);
  return e;
}
inline TarEntry whiteout(const std::string& dir_prefix, const std::string& name) {
  return file(dir_prefix + ".wh." + name, "");
}

inline la_ssize_t append_to_string(archive*, void* ctx, const void* buf, size_t len) {
  static_cast<std::string*>(ctx)->append(static_cast<const char*>(buf), len);
  return static_cast<la_ssize_t>(len);
}

// A layer tar (pax), gzip-compressed when GZIP.
inline std::string make_tar(const std::vector<TarEntry>& entries, bool gzip = false) {
  std::string out;
  archive* a = archive_write_new();
  REQUIRE(archive_write_set_format_pax_restricted(a) == ARCHIVE_OK);
  if (gzip) REQUIRE(archive_write_add_filter_gzip(a) == ARCHIVE_OK);
  REQUIRE(archive_write_open(a, &out, nullptr, append_to_string, nullptr) == ARCHIVE_OK);
  for (const TarEntry& t : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, t.name.c_str());
    archive_entry_set_uid(e, t.uid);
    archive_entry_set_gid(e, t.gid);
    archive_entry_set_mtime(e, t.mtime, 0);
    archive_entry_set_perm(e, t.mode);
    archive_entry_set_size(e, 0);
    switch (t.type) {
      case 'd': archive_entry_set_filetype(e, AE_IFDIR); break;
      case 'l':
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, t.link.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, t.link.c_str());
        break;
      case 'p': archive_entry_set_filetype(e, AE_IFIFO); break;
      case 'c':
        archive_entry_set_filetype(e, AE_IFCHR);
        archive_entry_set_rdev(e, makedev(1, 3));
        break;
      default:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(t.data.size()));
    }
    for (auto& [k, v] : t.xattrs) archive_entry_xattr_add_entry(e, k.c_str(), v.data(), v.size());
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    if (t.type == 'f' && !t.data.empty())
      REQUIRE(archive_write_data(a, t.data.data(), t.data.size()) == static_cast<la_ssize_t>(t.data.size()));
    archive_entry_free(e);
  }
  REQUIRE(archive_write_close(a) == ARCHIVE_OK);
  archive_write_free(a);
  return out;
}

// sha256 of a layer's uncompressed tar, for the config's diff_ids.
inline std::string diff_id(const std::vector<TarEntry>& entries) {
  return "sha256:" + pare::sha256_hex(make_tar(entries, false));
}

inline void write_bytes(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << data;
  REQUIRE(out.good());
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline json descriptor(const std::string& media_type, const std::string& data) {
  return {{"mediaType", media_type}, {"digest", "sha256:" + pare::sha256_hex(data)}, {"size", data.size()}};
}

// The config of an image with LAYERS (their entries, for diff_ids).
inline json make_config(const std::vector<std::vector<TarEntry>>& layers, json config_section = json::object()) {
  json ids = json::array();
  for (auto& l : layers) ids.push_back(diff_id(l));
  return {{"architecture", "amd64"},
          {"os", "linux"},
          {"created", "2024-01-02T03:04:05Z"},
          {"config", config_section},
          {"rootfs", {{"type", "layers"}, {"diff_ids", ids}}}};
}

// An OCI image layout being assembled: blobs by digest, index.json rewritten
// on every add.
class OciLayout {
 public:
  explicit OciLayout(std::string dir) : dir_(std::move(dir)) {
    write_bytes(dir_ + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    save();
  }
  const std::string& dir() const { return dir_; }

  std::string blob(const std::string& data) {
    std::string hex = pare::sha256_hex(data);
    write_bytes(dir_ + "/blobs/sha256/" + hex, data);
    return "sha256:" + hex;
  }

  // The manifest of an image (layers gzip-compressed when GZIP[i]); returns
  // the manifest JSON text (its blob is stored).
  std::string image_manifest(const std::vector<std::vector<TarEntry>>& layers, const json& config,
                             const std::vector<bool>& gzip = {}) {
    std::string cfg = config.dump();
    blob(cfg);
    json ls = json::array();
    for (size_t i = 0; i < layers.size(); ++i) {
      bool gz = i < gzip.size() && gzip[i];
      std::string tar = make_tar(layers[i], gz);
      blob(tar);
      ls.push_back(descriptor(gz ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.oci.image.layer.v1.tar", tar));
    }
    json m = {{"schemaVersion", 2},
              {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"config", descriptor("application/vnd.oci.image.config.v1+json", cfg)},
              {"layers", ls}};
    std::string text = m.dump();
    blob(text);
    return text;
  }

  // Adds a top-level index.json entry for the blob MANIFEST_TEXT.
  void add(const std::string& manifest_text, const std::string& tag,
           const std::string& media_type = "application/vnd.oci.image.manifest.v1+json") {
    json d = descriptor(media_type, manifest_text);
    if (!tag.empty()) d["annotations"] = {{"org.opencontainers.image.ref.name", tag}};
    add_descriptor(d);
  }
  void add_descriptor(const json& d) {
    index_["manifests"].push_back(d);
    save();
  }

 private:
  void save() { write_bytes(dir_ + "/index.json", index_.dump()); }
  std::string dir_;
  json index_ = {{"schemaVersion", 2}, {"manifests", json::array()}};
};

// A `docker save` archive: legacy (<id>/layer.tar, <hex>.json) or, with
// NEW_FORMAT, docker 25+ (blobs/sha256/<hex>). In the legacy form the last
// layer is stored through a symlink, as docker does for shared layers.
inline void make_docker_archive(const std::string& path, const std::vector<std::vector<TarEntry>>& layers,
                                const json& config, const std::vector<std::string>& repo_tags, bool new_format) {
  std::vector<TarEntry> outer;
  std::string cfg = config.dump();
  std::string cfg_hex = pare::sha256_hex(cfg);
  std::string cfg_name = new_format ? "blobs/sha256/" + cfg_hex : cfg_hex + ".json";
  json layer_names = json::array();
  if (new_format) outer.push_back(dir("blobs/")), outer.push_back(dir("blobs/sha256/"));
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string tar = make_tar(layers[i], false);
    std::string hex = pare::sha256_hex(tar);
    if (new_format) {
      outer.push_back(file("blobs/sha256/" + hex, tar));
      layer_names.push_back("blobs/sha256/" + hex);
    } else if (i + 1 == layers.size() && i > 0) {
      std::string id = std::string(64, 'a' + static_cast<char>(i));
      std::string real = std::string(64, 'z');
      outer.push_back(dir(real + "/"));
      outer.push_back(file(real + "/layer.tar", tar));
      outer.push_back(dir(id + "/"));
      outer.push_back(sym(id + "/layer.tar", "../" + real + "/layer.tar"));
      layer_names.push_back(id + "/layer.tar");
    } else {
      std::string id = std::string(64, 'a' + static_cast<char>(i));
      outer.push_back(dir(id + "/"));
      outer.push_back(file(id + "/VERSION", "1.0"));
      outer.push_back(file(id + "/layer.tar", tar));
      layer_names.push_back(id + "/layer.tar");
    }
  }
  outer.push_back(file(cfg_name, cfg));
  json manifest = json::array({{{"Config", cfg_name}, {"RepoTags", repo_tags}, {"Layers", layer_names}}});
  outer.push_back(file("manifest.json", manifest.dump()));
  write_bytes(path, make_tar(outer, false));
}

// Paths under ROOT (relative), sorted.
inline std::vector<std::string> list_tree(const std::string& root) {
  std::vector<std::string> out;
  for (auto it = std::filesystem::recursive_directory_iterator(root); it != std::filesystem::recursive_directory_iterator(); ++it)
    out.push_back(it->path().lexically_relative(root).string());
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string get_xattr(const std::string& path, const std::string& name) {
  char buf[4096];
  ssize_t n = lgetxattr(path.c_str(), name.c_str(), buf, sizeof buf);
  return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

// One line per path: what unpacking must reproduce. The second and later
// names of an inode say which name they share it with.
inline std::map<std::string, std::string> snapshot(const std::string& root) {
  std::map<std::string, std::string> out;
  std::map<std::pair<dev_t, ino_t>, std::string> seen;
  for (const std::string& rel : list_tree(root)) {
    std::string full = root + "/" + rel;
    struct stat st;
    REQUIRE(lstat(full.c_str(), &st) == 0);
    std::string s = "mode=" + std::to_string(st.st_mode) + " uid=" + std::to_string(st.st_uid) +
                    " gid=" + std::to_string(st.st_gid) + " mtime=" + std::to_string(st.st_mtim.tv_sec);
    if (S_ISREG(st.st_mode)) s += " sha=" + pare::sha256_hex(read_bytes(full));
    if (S_ISLNK(st.st_mode)) s += " ->" + std::filesystem::read_symlink(full).string();
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
      auto [it, first] = seen.emplace(std::make_pair(st.st_dev, st.st_ino), rel);
      s += " nlink=" + std::to_string(st.st_nlink) + (first ? "" : " same-inode-as=" + it->second);
    }
    std::string cap = get_xattr(full, "security.capability");
    if (!cap.empty()) s += " cap=" + pare::sha256_hex(cap);
    out[rel] = s;
  }
  return out;
}

inline std::string error_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace imgtest
