// write_docker_archive: the layer, config and manifest.json assembled in a
// scratch sibling of OUT_TAR, then packed into it in one step.
#include "image/docker_archive_writer.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/error.h"
#include "common/write_all.h"
#include "image/dir_tar_writer.h"
#include "image/image_config.h"
#include "image/image_files.h"
#include "image/safe_fs.h"
#include "image/sha256.h"
#include "image/tar_layer_writer.h"

namespace pare {

namespace {

using nlohmann::json;

void write_file(const std::string& path, const std::string& data) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) throw Error(kExitFailure, errno_message("cannot create " + path, errno));
  write_all(fd.get(), data.data(), data.size(), path);
}

std::string base_name(const std::string& path) {
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

}  // namespace

std::string docker_repo_tag(const std::string& tag) {
  return tag.find_first_of(":/") == std::string::npos ? "" : tag;
}

OciWriteResult write_docker_archive(const std::string& rootfs_dir, const std::string& out_tar,
                                    const OciWriteOptions& opts) {
  struct stat st;
  if (stat(rootfs_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error(kExitFailure, rootfs_dir + " is not a directory to write as an image");
  if (opts.tag.empty()) throw Error(kExitUsage, "the image tag must not be empty");
  build_image_config(opts, "");  // reject a malformed --env before any work

  ImageScratchDir tmp(parent_dir(out_tar), base_name(out_tar) + ".tmp");
  // Plain: docker save has always stored layers uncompressed, and a layer
  // named by its diff_id is then also named by its content.
  std::string layer_tmp = tmp / "layer.partial";
  LayerDigests layer = write_tar_layer(rootfs_dir, layer_tmp, opts.metadata, LayerCompression::kNone);
  std::string layer_name = layer.diff_id_hex + ".tar";
  if (rename(layer_tmp.c_str(), (tmp / layer_name).c_str()) != 0)
    throw Error(kExitFailure, errno_message("cannot store the layer in " + tmp.path(), errno));

  OciWriteResult res;
  res.diff_id = res.layer_digest = "sha256:" + layer.diff_id_hex;
  res.layer_bytes = layer.blob_bytes;
  std::string config = build_image_config(opts, res.diff_id).dump();
  std::string config_hex = sha256_hex(config);
  res.config_digest = "sha256:" + config_hex;
  write_file(tmp / (config_hex + ".json"), config);

  std::string repo_tag = docker_repo_tag(opts.tag);
  json entry = {{"Config", config_hex + ".json"},
                {"RepoTags", repo_tag.empty() ? json(nullptr) : json::array({repo_tag})},
                {"Layers", json::array({layer_name})}};
  write_file(tmp / "manifest.json", json::array({entry}).dump());
  write_dir_tar(tmp.path(), out_tar, "docker-archive");
  return res;
}

}  // namespace pare
