// Reads an OCI image layout directory: index.json -> (nested index, linux/amd64)
// -> manifest -> config and layers, every blob checked against its digest.
#pragma once

#include <string>

#include "image/resolved_image.h"

namespace pare {

inline constexpr const char* kRefNameAnnotation = "org.opencontainers.image.ref.name";

// True when DIR has the files of an OCI layout (oci-layout and index.json).
bool is_oci_layout(const std::string& dir);

// Selects the image tagged TAG (annotation org.opencontainers.image.ref.name
// in index.json), or the only one when TAG is empty. Throws
// Error(kExitBadInput) for an unknown tag, a missing or corrupt blob, a
// malformed digest or document, or an index without a linux/amd64 image.
// SHOWN names the source in messages when DIR is pare's own copy of it (an
// oci-archive unpacked to scratch, an image exported from containers-storage).
ResolvedImage read_oci_layout(const std::string& dir, const std::string& tag, const std::string& shown = "");

}  // namespace pare
