// Reads a `docker save` tar: manifest.json -> config and layers, in the legacy
// layout (<id>/layer.tar, <hex>.json) and the newer one (blobs/sha256/<hex>).
// The needed entries are copied out of the outer tar into a scratch directory
// so each layer can be read more than once; layers are verified against their
// digest names and the config's rootfs.diff_ids.
#pragma once

#include <string>

#include "image/resolved_image.h"

namespace pare {

class UnpackBudget;

enum class TarImageKind { kNotTar, kOtherTar, kDockerArchive, kOciArchive };

// What a tar file holds: manifest.json makes a docker archive; oci-layout and
// index.json without it an oci-archive.
TarImageKind probe_image_tar(const std::string& path);

// Selects the image whose RepoTags contain TAG, or the only one when TAG is
// empty. The scratch directory is created in SCRATCH_PARENT; the bytes copied
// there are charged to BUDGET first. Throws Error(kExitBadInput) for a
// malformed archive, a missing entry, an unknown tag, a digest mismatch or an
// entry over the budget's limit.
ResolvedImage read_docker_archive(const std::string& file, const std::string& tag, const std::string& scratch_parent,
                                  UnpackBudget& budget);

}  // namespace pare
