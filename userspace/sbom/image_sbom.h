// The SBOM `pare build --sbom` and `pare slim --sbom` write: of the minimal
// rootfs as built (package database included), before it is packaged, so
// the files it lists are the layer's files.
#pragma once

#include <string>

#include "build/package_db.h"

namespace pare {

// ROOTFS: the built tree; OUTPUT names the image (its base name); TAG its
// version ("" for a directory output). FORMAT: sbom/sbom_format.h.
std::string image_sbom(const std::string& rootfs, const PackageStep& packages, const std::string& output,
                       const std::string& tag, const std::string& format);

}  // namespace pare
