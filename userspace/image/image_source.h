// Image inputs: an OCI image layout (DIR or DIR:TAG) or a `docker save` tar,
// unpacked into a plain rootfs directory by applying the layers in order with
// their whiteouts (`.wh.NAME` removes NAME, `.wh..wh..opq` empties the
// directory's lower-layer contents). Layers are untrusted: no entry, link or
// whiteout may create, change or remove anything outside DEST.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "image/unpack_budget.h"

namespace pare {

enum class SourceKind { kRootfsDir, kOciLayout, kDockerArchive };

// What SRC names: a rootfs directory, an OCI layout ("DIR" or "DIR:TAG"), or a
// docker-save tar file ("FILE" or "FILE:REPO:TAG", matched against RepoTags).
// SRC is first taken whole as a path; otherwise it is split at the first ':'
// whose left side exists. Throws Error(kExitBadInput) when it is none of them.
SourceKind detect_source_kind(const std::string& src);

// SRC split into its path and tag ("" = not given), as detect_source_kind
// reads it. Throws Error(kExitBadInput) when no such path exists.
struct SourceRef {
  std::string path;
  std::string tag;
};
SourceRef split_source(const std::string& src);

struct UnpackedImage {
  // The image config blob (the JSON with "config", "rootfs", "history"...),
  // exactly as stored in the source image.
  nlohmann::json config;
  size_t layers = 0;
};

// Unpacks SRC (kOciLayout or kDockerArchive) into DEST, an existing empty
// directory. Every blob is checked against its digest before the first layer
// is applied. An entry, hard link or whiteout whose path goes through a
// symlink is refused (see layer_apply.h). A docker archive's layers are copied
// to a scratch directory next to DEST while unpacking. Changes the working
// directory while a layer is extracted (not thread-safe). Writes at most
// MAX_UNPACKED_BYTES (--max-unpacked-size) and never more than DEST's
// filesystem has free, less a margin (see unpack_budget.h); on refusal what
// was written stays in DEST for the caller's scratch directory to remove.
// Throws Error(kExitBadInput) naming the problem for a malformed image
// (missing blob, digest mismatch, unknown tag, bad JSON, unsafe entry, over
// --max-unpacked-size), Error(kExitFailure) when DEST is not an empty
// directory, the disk refuses a write or the image would fill it.
UnpackedImage unpack_image(const std::string& src, const std::string& dest,
                           uint64_t max_unpacked_bytes = kDefaultMaxUnpackedBytes);

}  // namespace pare
