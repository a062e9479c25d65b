// --sbom-format: which document an Inventory becomes.
#pragma once

#include <string>

#include "sbom/inventory.h"

namespace pare {

// "cyclonedx" (CycloneDX 1.5 JSON, the default) or "spdx" (SPDX 2.3 JSON);
// anything else throws Error(kExitUsage).
void check_sbom_format(const std::string& format);

// The document as pretty JSON + newline.
std::string sbom_text(const Inventory& inv, const std::string& format);

}  // namespace pare
