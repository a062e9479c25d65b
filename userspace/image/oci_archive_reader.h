// Reads an oci-archive: an OCI image layout packed in one tar, as `podman save
// --format oci-archive` and `skopeo copy ... oci-archive:FILE` write it. The
// layout's own files (oci-layout, index.json, blobs/sha256/<hex>) are copied
// out of the tar into a scratch directory, charged to the unpack budget as
// scratch, and read there like a layout directory: every blob is checked
// against its digest before the first layer is applied. Nothing else in the
// tar is extracted, so no entry name chooses where a file goes.
#pragma once

#include <string>

#include "image/resolved_image.h"

namespace pare {

class UnpackBudget;

// Selects the image tagged TAG in the archive's index.json, or the only one
// when TAG is empty. The scratch directory (kept in the result until the
// layers are applied) is created in SCRATCH_PARENT. Throws
// Error(kExitBadInput) for an unreadable tar, a missing or corrupt file of the
// layout, an unknown tag or an entry over the budget's limit.
ResolvedImage read_oci_archive(const std::string& file, const std::string& tag, const std::string& scratch_parent,
                               UnpackBudget& budget);

}  // namespace pare
