// An Inventory as an SPDX 2.3 JSON document: the image as a CONTAINER
// package the document DESCRIBES, the distribution as an OPERATING_SYSTEM
// package, each deb package with its purl (externalRefs PACKAGE-MANAGER),
// its source package (sourceInfo), its files (hasFiles, with a
// packageVerificationCode over them), and every file with SHA-1 and SHA-256.
// Files no package owns are CONTAINed by the image. documentNamespace and
// created are derived from the content (sbom_created, content_uuid).
#pragma once

#include <nlohmann/json.hpp>

#include "sbom/inventory.h"

namespace pare {

nlohmann::json spdx_document(const Inventory& inv);

}  // namespace pare
