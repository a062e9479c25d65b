// Image inputs: a rootfs directory, an OCI image layout (DIR or DIR:TAG), an
// oci-archive, a `docker save` tar, or an image in containers-storage
// (exported through podman or skopeo), unpacked into a plain rootfs directory
// by applying the layers in order with their whiteouts (`.wh.NAME` removes
// NAME, `.wh..wh..opq` empties the directory's lower-layer contents). Layers
// are untrusted: no entry, link or whiteout may create, change or remove
// anything outside DEST.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "image/unpack_budget.h"

namespace pare {

enum class SourceKind { kRootfsDir, kOciLayout, kDockerArchive, kOciArchive, kContainersStorage };

// What SRC names, in the transport syntax skopeo and podman use:
//   PATH[:TAG]                  found out from what PATH is: a rootfs directory,
//                               an OCI layout, an oci-archive or a docker-save tar
//   oci:DIR[:TAG]               an OCI layout
//   oci-archive:FILE[:TAG]      an oci-archive
//   docker-archive:FILE[:REPO:TAG]  a docker-save tar (TAG matched against RepoTags)
//   containers-storage:NAME, podman:NAME  an image in podman's store
// SRC is first taken whole as a path (an existing "oci:x" is a file); else a
// transport prefix is taken off, and the rest split at the first ':' whose left
// side exists (tags may hold ':'). Never runs a tool. Throws
// Error(kExitBadInput) when SRC is none of them, or not what its prefix says.
SourceKind detect_source_kind(const std::string& src);

// The file or directory SRC reads, for the checks that keep outputs away from
// inputs; "" for containers-storage and for a source that does not exist (its
// reader reports that).
std::string source_file_path(const std::string& src);

// SRC's path (the image name for containers-storage) and tag ("" = not
// given), read as detect_source_kind reads them; for naming an image in an
// SBOM. Throws Error(kExitBadInput) as detect_source_kind does.
struct SourceName {
  std::string path;
  std::string tag;
};
SourceName source_name(const std::string& src);

struct UnpackedImage {
  // The image config blob (the JSON with "config", "rootfs", "history"...),
  // exactly as stored in the source image.
  nlohmann::json config;
  size_t layers = 0;
};

// Unpacks SRC (any kind but kRootfsDir) into DEST, an existing empty
// directory. Every blob is checked against its digest before the first layer
// is applied. An entry, hard link or whiteout whose path goes through a
// symlink is refused (see layer_apply.h). A docker archive's layers, an
// oci-archive's blobs and an image exported from containers-storage are kept
// in a scratch directory next to DEST while unpacking (charged to the budget
// as scratch: bounded by MAX_UNPACKED_BYTES on their own). Changes the working
// directory while a layer is extracted (not thread-safe). Writes at most
// MAX_UNPACKED_BYTES (--max-unpacked-size) and never more than DEST's
// filesystem has free, less a margin (see unpack_budget.h); on refusal what
// was written stays in DEST for the caller's scratch directory to remove.
// Throws Error(kExitBadInput) naming the problem for a malformed image
// (missing blob, digest mismatch, unknown tag, bad JSON, unsafe entry, over
// --max-unpacked-size, no such image in containers-storage),
// Error(kExitEnvironment) for containers-storage without podman or skopeo,
// Error(kExitFailure) when DEST is not an empty directory, the disk refuses a
// write or the image would fill it.
UnpackedImage unpack_image(const std::string& src, const std::string& dest,
                           uint64_t max_unpacked_bytes = kDefaultMaxUnpackedBytes);

}  // namespace pare
