// An Inventory as a CycloneDX 1.5 JSON BOM: the image as metadata.component,
// the distribution as an operating-system component, each package as a
// library component with its purl and its files in the image nested as file
// components (SHA-1, SHA-256), and the files no package owns as top-level
// file components. serialNumber is a UUID of the content (no randomness) and
// the timestamp is sbom_created(): one image, one document.
#pragma once

#include <nlohmann/json.hpp>

#include "sbom/inventory.h"

namespace pare {

nlohmann::json cyclonedx_bom(const Inventory& inv);

}  // namespace pare
