// Writes a rootfs directory as an OCI image layout: one gzip layer, sha256
// digests, the source image's config kept (Entrypoint, Cmd, Env, User,
// WorkingDir, ExposedPorts, Labels) with overrides. Reproducible: the same
// rootfs (same contents and metadata) and options give the same digests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/entry_metadata.h"

namespace pare {

struct OciWriteOptions {
  nlohmann::json base_config = nlohmann::json::object();  // source image config blob, or {} for a plain rootfs
  std::optional<std::vector<std::string>> entrypoint;      // --entrypoint override; without cmd it clears the base Cmd
  std::optional<std::vector<std::string>> cmd;             // --cmd override
  std::vector<std::string> env;                            // --env KEY=VALUE, replacing a KEY already set
  std::string tag = "latest";                              // org.opencontainers.image.ref.name in index.json
  EntryMetadataTable metadata;  // owners, modes, xattrs the rootfs on disk lacks (a non-root build)
};

struct OciWriteResult {
  std::string manifest_digest;  // "sha256:..."
  std::string config_digest;
  std::string layer_digest;     // of the gzip blob
  std::string diff_id;          // of the uncompressed tar
  uint64_t layer_bytes = 0;     // gzip blob size
};

// Creates OUT_DIR (must not exist) as an OCI image layout of ROOTFS_DIR.
OciWriteResult write_oci_layout(const std::string& rootfs_dir, const std::string& out_dir,
                                const OciWriteOptions& opts);

// Packs an OCI layout directory into a deterministic tar file (oci-archive),
// written atomically (temporary file renamed over OUT_TAR).
void write_oci_archive(const std::string& layout_dir, const std::string& out_tar);

}  // namespace pare
