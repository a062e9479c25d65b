#include "sbom/sbom_format.h"

#include "common/error.h"
#include "sbom/cyclonedx.h"
#include "sbom/spdx.h"

namespace pare {

void check_sbom_format(const std::string& format) {
  if (format != "cyclonedx" && format != "spdx")
    throw Error(kExitUsage, "unknown --sbom-format " + format + " (cyclonedx or spdx)");
}

std::string sbom_text(const Inventory& inv, const std::string& format) {
  check_sbom_format(format);
  return (format == "spdx" ? spdx_document(inv) : cyclonedx_bom(inv)).dump(2) + "\n";
}

}  // namespace pare
