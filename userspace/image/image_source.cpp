// Source naming (transports, DIR:TAG, FILE:REPO:TAG) and the unpack driver:
// pick the reader, check every blob, then stack the layers into DEST.
#include "image/image_source.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "common/error.h"
#include "image/containers_storage.h"
#include "image/docker_archive_reader.h"
#include "image/layer_apply.h"
#include "image/oci_archive_reader.h"
#include "image/oci_layout_reader.h"
#include "image/safe_fs.h"

namespace pare {

namespace {

enum class Transport { kAny, kOci, kOciArchive, kDockerArchive, kStorage };

struct SourceRef {
  Transport transport = Transport::kAny;
  std::string prefix;  // "oci-archive:" as given, for messages
  std::string path;    // the file or directory; the image name for kStorage
  std::string tag;     // "" = not given
};

const struct {
  const char* prefix;
  Transport transport;
} kTransports[] = {
    {"oci:", Transport::kOci},
    {"oci-archive:", Transport::kOciArchive},
    {"docker-archive:", Transport::kDockerArchive},
    {"containers-storage:", Transport::kStorage},
    {"podman:", Transport::kStorage},
};

// REST as an existing path, else split at the first ':' whose left side
// exists (tags may themselves contain ':', e.g. a docker "repo:tag").
void split_path_tag(SourceRef& ref, const std::string& rest, const std::string& src) {
  struct stat st;
  if (rest.empty()) throw Error(kExitBadInput, "image source " + src + " names no file");
  if (stat(rest.c_str(), &st) == 0) {
    ref.path = rest;
    return;
  }
  for (size_t colon = rest.find(':'); colon != std::string::npos; colon = rest.find(':', colon + 1)) {
    std::string left = rest.substr(0, colon);
    if (!left.empty() && stat(left.c_str(), &st) == 0) {
      std::string tag = rest.substr(colon + 1);
      if (tag.empty()) throw Error(kExitBadInput, src + ": empty tag after ':'");
      ref.path = left;
      ref.tag = tag;
      return;
    }
  }
  throw Error(kExitBadInput, errno_message("image source " + src, ENOENT));
}

SourceRef split_source(const std::string& src) {
  struct stat st;
  SourceRef ref;
  if (src.empty()) throw Error(kExitBadInput, "empty image source");
  if (stat(src.c_str(), &st) == 0) {  // a path that exists wins over any reading of its colons
    ref.path = src;
    return ref;
  }
  for (const auto& t : kTransports) {
    if (src.rfind(t.prefix, 0) != 0) continue;
    ref.transport = t.transport;
    ref.prefix = t.prefix;
    std::string rest = src.substr(ref.prefix.size());
    if (t.transport == Transport::kStorage) {
      if (rest.empty()) throw Error(kExitBadInput, "image source " + src + " names no image");
      ref.path = rest;  // NAME[:TAG] or an id: podman resolves it
      return ref;
    }
    split_path_tag(ref, rest, src);
    return ref;
  }
  split_path_tag(ref, src, src);
  return ref;
}

SourceKind kind_of(const SourceRef& ref) {
  if (ref.transport == Transport::kStorage) return SourceKind::kContainersStorage;
  std::string shown = ref.prefix + ref.path;
  struct stat st;
  if (stat(ref.path.c_str(), &st) != 0) throw Error(kExitBadInput, errno_message("image source " + shown, errno));
  SourceKind kind = SourceKind::kRootfsDir;
  if (S_ISDIR(st.st_mode)) {
    if (is_oci_layout(ref.path)) {
      kind = SourceKind::kOciLayout;
    } else if (ref.transport == Transport::kOci || !ref.tag.empty()) {
      throw Error(kExitBadInput, ref.path + " is not an OCI image layout (no oci-layout and index.json)" +
                                     (ref.tag.empty() ? "" : ", so ':" + ref.tag + "' names nothing"));
    }
  } else if (!S_ISREG(st.st_mode)) {
    throw Error(kExitBadInput, ref.path + " is neither a directory nor an image file");
  } else {
    switch (probe_image_tar(ref.path)) {
      case TarImageKind::kDockerArchive:
        kind = SourceKind::kDockerArchive;
        break;
      case TarImageKind::kOciArchive:
        kind = SourceKind::kOciArchive;
        break;
      case TarImageKind::kOtherTar:
        throw Error(kExitBadInput, ref.path + " is a tar without manifest.json or index.json: neither a `docker save` "
                                              "archive nor an oci-archive");
      case TarImageKind::kNotTar:
        throw Error(kExitBadInput, ref.path + " is not an image: expected a directory, an OCI layout, an oci-archive "
                                              "or a `docker save` tar");
    }
  }
  // A prefix is a claim about the content: a mismatch is said, not guessed around.
  auto name = [](SourceKind k) {
    switch (k) {
      case SourceKind::kRootfsDir: return "a plain directory";
      case SourceKind::kOciLayout: return "an OCI layout (oci:DIR)";
      case SourceKind::kOciArchive: return "an oci-archive (oci-archive:FILE)";
      case SourceKind::kDockerArchive: return "a docker archive (docker-archive:FILE)";
      default: return "an image";
    }
  };
  SourceKind claimed = ref.transport == Transport::kOci            ? SourceKind::kOciLayout
                       : ref.transport == Transport::kOciArchive   ? SourceKind::kOciArchive
                       : ref.transport == Transport::kDockerArchive ? SourceKind::kDockerArchive
                                                                    : kind;
  if (claimed != kind)
    throw Error(kExitBadInput, shown + ": " + ref.path + " is " + name(kind) + ", not " + name(claimed));
  return kind;
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

std::string source_file_path(const std::string& src) {
  try {
    SourceRef ref = split_source(src);
    return ref.transport == Transport::kStorage ? "" : ref.path;
  } catch (const Error&) {
    return "";
  }
}

SourceName source_name(const std::string& src) {
  SourceRef ref = split_source(src);
  return {ref.path, ref.tag};
}

UnpackedImage unpack_image(const std::string& src, const std::string& dest, uint64_t max_unpacked_bytes) {
  SourceRef ref = split_source(src);
  SourceKind kind = kind_of(ref);
  if (kind == SourceKind::kRootfsDir) throw Error(kExitBadInput, src + " is a plain directory, not an image to unpack");
  UniqueFd root = open_empty_dest(dest);
  // One budget for everything written: a docker archive's blobs go to a
  // scratch directory beside DEST, on the same filesystem.
  UnpackBudget budget(max_unpacked_bytes, root.get(), dest);
  try {
    ResolvedImage img;
    switch (kind) {
      case SourceKind::kOciLayout:
        img = read_oci_layout(ref.path, ref.tag);
        break;
      case SourceKind::kDockerArchive:
        img = read_docker_archive(ref.path, ref.tag, parent_dir(dest), budget);
        break;
      case SourceKind::kOciArchive:
        img = read_oci_archive(ref.path, ref.tag, parent_dir(dest), budget);
        break;
      default: {
        // Exported into scratch beside DEST, then read as the layout it is.
        auto scratch = std::make_unique<ImageScratchDir>(parent_dir(dest), "pare-storage");
        export_storage_image(ref.path, *scratch / "layout", budget, src);
        img = read_oci_layout(*scratch / "layout", "", src);
        img.scratch = std::move(scratch);
      }
    }
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
