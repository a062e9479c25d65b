// write_oci_layout: the layer blob, config, manifest and index of one image,
// assembled in a scratch sibling of OUT_DIR and renamed into place only when
// whole, so OUT_DIR is either a complete layout or absent.
#include "image/oci_writer.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/error.h"
#include "common/write_all.h"
#include "image/image_config.h"
#include "image/image_files.h"
#include "image/oci_layout_reader.h"
#include "image/safe_fs.h"
#include "image/sha256.h"
#include "image/tar_layer_writer.h"

namespace pare {

namespace {

using nlohmann::json;

const char kManifestType[] = "application/vnd.oci.image.manifest.v1+json";
const char kIndexType[] = "application/vnd.oci.image.index.v1+json";
const char kConfigType[] = "application/vnd.oci.image.config.v1+json";
const char kLayerType[] = "application/vnd.oci.image.layer.v1.tar+gzip";

void write_file(const std::string& path, const std::string& data) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) throw Error(kExitFailure, errno_message("cannot create " + path, errno));
  write_all(fd.get(), data.data(), data.size(), path);
  if (fsync(fd.get()) != 0) throw Error(kExitFailure, errno_message("cannot write " + path, errno));
}

// Stores DATA as a blob; returns its descriptor.
json put_blob(const std::string& layout, const std::string& media_type, const std::string& data) {
  std::string hex = sha256_hex(data);
  write_file(layout + "/blobs/sha256/" + hex, data);
  return {{"mediaType", media_type}, {"digest", "sha256:" + hex}, {"size", data.size()}};
}

void make_dir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0) throw Error(kExitFailure, errno_message("cannot create " + path, errno));
}

std::string base_name(const std::string& path) {
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

}  // namespace

OciWriteResult write_oci_layout(const std::string& rootfs_dir, const std::string& out_dir, const OciWriteOptions& opts) {
  struct stat st;
  if (lstat(out_dir.c_str(), &st) == 0) throw Error(kExitFailure, out_dir + " already exists; the OCI layout is written to a new directory");
  if (stat(rootfs_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error(kExitFailure, rootfs_dir + " is not a directory to write as an image");
  if (opts.tag.empty()) throw Error(kExitUsage, "the image tag must not be empty");
  build_image_config(opts, "");  // reject a malformed --env before any work

  ImageScratchDir tmp(parent_dir(out_dir), base_name(out_dir) + ".tmp");
  make_dir(tmp / "blobs");
  make_dir(tmp / "blobs/sha256");

  // The layer's name is its digest, known only once it is written.
  std::string layer_tmp = tmp / "blobs/sha256/layer.partial";
  LayerDigests layer = write_tar_layer(rootfs_dir, layer_tmp, opts.metadata);
  std::string layer_path = tmp / ("blobs/sha256/" + layer.blob_hex);
  if (rename(layer_tmp.c_str(), layer_path.c_str()) != 0)
    throw Error(kExitFailure, errno_message("cannot store the layer in " + tmp.path(), errno));

  OciWriteResult res;
  res.diff_id = "sha256:" + layer.diff_id_hex;
  res.layer_digest = "sha256:" + layer.blob_hex;
  res.layer_bytes = layer.blob_bytes;

  json config = build_image_config(opts, res.diff_id);
  json config_desc = put_blob(tmp.path(), kConfigType, config.dump());
  res.config_digest = config_desc["digest"];

  json manifest = {{"schemaVersion", 2},
                   {"mediaType", kManifestType},
                   {"config", config_desc},
                   {"layers", json::array({{{"mediaType", kLayerType},
                                            {"digest", res.layer_digest},
                                            {"size", res.layer_bytes}}})}};
  json manifest_desc = put_blob(tmp.path(), kManifestType, manifest.dump());
  res.manifest_digest = manifest_desc["digest"];
  manifest_desc["annotations"] = {{kRefNameAnnotation, opts.tag}};
  manifest_desc["platform"] = {{"architecture", config["architecture"]}, {"os", config["os"]}};

  json index = {{"schemaVersion", 2}, {"mediaType", kIndexType}, {"manifests", json::array({manifest_desc})}};
  write_file(tmp / "index.json", index.dump());
  write_file(tmp / "oci-layout", json{{"imageLayoutVersion", "1.0.0"}}.dump());

  if (chmod(tmp.path().c_str(), 0755) != 0) throw Error(kExitFailure, errno_message("cannot chmod " + tmp.path(), errno));
  // NOREPLACE: a directory that appeared meanwhile is never merged into.
  if (renameat2(AT_FDCWD, tmp.path().c_str(), AT_FDCWD, out_dir.c_str(), RENAME_NOREPLACE) != 0)
    throw Error(kExitFailure, errno_message("cannot move the image into " + out_dir, errno));
  tmp.release();
  return res;
}

}  // namespace pare
