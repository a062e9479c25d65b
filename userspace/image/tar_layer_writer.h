// Writes a rootfs directory as one layer tar (gzip-compressed for an OCI
// image, plain for a docker archive), reproducibly:
// entries sorted by path bytewise (parents before children), numeric owners
// only, mtime in whole seconds, no atime/ctime, xattrs as SCHILY.xattr pax
// records, second and later names of an inode as hard links.
#pragma once

#include <cstdint>
#include <string>

#include "image/entry_metadata.h"

namespace pare {

struct LayerDigests {
  std::string diff_id_hex;  // sha256 of the uncompressed tar
  std::string blob_hex;     // sha256 of the blob as written (= diff_id_hex when plain)
  uint64_t blob_bytes = 0;
};

enum class LayerCompression { kGzip, kNone };

// Writes the layer of ROOTFS_DIR (the directory itself is not an entry) to
// OUT_PATH, created new. An entry listed in METADATA gets its owner, mode bits
// and extra xattrs from there instead of from the disk (a non-root build, see
// entry_metadata.h). Throws Error(kExitFailure) on I/O errors.
LayerDigests write_tar_layer(const std::string& rootfs_dir, const std::string& out_path,
                             const EntryMetadataTable& metadata = {},
                             LayerCompression compression = LayerCompression::kGzip);

}  // namespace pare
