// Source naming (DIR, DIR:TAG, FILE, FILE:REPO:TAG) and the unpack driver: pick
// the reader, check every blob, then stack the layers into DEST.
#include "image/image_source.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "common/error.h"
#include "image/docker_archive_reader.h"
#include "image/layer_apply.h"
#include "image/oci_layout_reader.h"
#include "image/safe_fs.h"

namespace pare {

// SRC as an existing path, else split at the first ':' whose left side exists
// (tags may themselves contain ':', e.g. a docker "repo:tag").
SourceRef split_source(const std::string& src) {
  struct stat st;
  if (src.empty()) throw Error(kExitBadInput, "empty image source");
  if (stat(src.c_str(), &st) == 0) return {src, ""};
  for (size_t colon = src.find(':'); colon != std::string::npos; colon = src.find(':', colon + 1)) {
    std::string left = src.substr(0, colon);
    if (!left.empty() && stat(left.c_str(), &st) == 0) {
      std::string tag = src.substr(colon + 1);
      if (tag.empty()) throw Error(kExitBadInput, src + ": empty tag after ':'");
      return {left, tag};
    }
  }
  throw Error(kExitBadInput, errno_message("image source " + src, ENOENT));
}

namespace {

SourceKind kind_of(const SourceRef& ref) {
  struct stat st;
  if (stat(ref.path.c_str(), &st) != 0) throw Error(kExitBadInput, errno_message("image source " + ref.path, errno));
  if (S_ISDIR(st.st_mode)) {
    if (is_oci_layout(ref.path)) return SourceKind::kOciLayout;
    if (!ref.tag.empty())
      throw Error(kExitBadInput, ref.path + " is not an OCI image layout (no oci-layout and index.json), so ':" +
                                     ref.tag + "' names nothing");
    return SourceKind::kRootfsDir;
  }
  if (!S_ISREG(st.st_mode)) throw Error(kExitBadInput, ref.path + " is neither a directory nor an image file");
  switch (probe_image_tar(ref.path)) {
    case TarImageKind::kDockerArchive:
      return SourceKind::kDockerArchive;
    case TarImageKind::kOciArchive:
      throw Error(kExitBadInput, ref.path + " is an oci-archive; extract it (tar -xf) into a directory and use that OCI layout");
    case TarImageKind::kOtherTar:
      throw Error(kExitBadInput, ref.path + " is a tar without manifest.json, not a `docker save` archive");
    case TarImageKind::kNotTar:
      break;
  }
  throw Error(kExitBadInput, ref.path + " is not an image: expected a directory, an OCI layout or a `docker save` tar");
}

// DEST must be an existing, empty directory: unpacking merges nothing.
UniqueFd open_empty_dest(const std::string& dest) {
  UniqueFd fd(open(dest.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) throw Error(kExitFailure, errno_message("cannot open unpack directory " + dest, errno));
  std::error_code ec;
  if (!std::filesystem::is_empty(dest, ec) || ec)
    throw Error(kExitFailure, "unpack directory " + dest + " is not empty");
  return fd;
}

}  // namespace

SourceKind detect_source_kind(const std::string& src) { return kind_of(split_source(src)); }

UnpackedImage unpack_image(const std::string& src, const std::string& dest, uint64_t max_unpacked_bytes) {
  SourceRef ref = split_source(src);
  SourceKind kind = kind_of(ref);
  if (kind == SourceKind::kRootfsDir) throw Error(kExitBadInput, src + " is a plain directory, not an image to unpack");
  UniqueFd root = open_empty_dest(dest);
  // One budget for everything written: a docker archive's blobs go to a
  // scratch directory beside DEST, on the same filesystem.
  UnpackBudget budget(max_unpacked_bytes, root.get(), dest);
  try {
    ResolvedImage img = kind == SourceKind::kOciLayout ? read_oci_layout(ref.path, ref.tag)
                                                       : read_docker_archive(ref.path, ref.tag, parent_dir(dest), budget);
    for (const LayerFile& layer : img.layers) {
      spdlog::info("applying {}", layer.what);
      apply_layer(layer.path, root.get(), layer.what, budget);
    }
    spdlog::debug("unpacked {} ({} bytes counted)", src, budget.used());
    return UnpackedImage{std::move(img.config), img.layers.size()};
  } catch (const nlohmann::json::exception& e) {
    // A document of the right shape with a field of the wrong type.
    throw Error(kExitBadInput, src + ": malformed image metadata: " + e.what());
  }
}

}  // namespace pare
