#include "sbom/image_sbom.h"

#include <filesystem>

#include "resolve/root_fs.h"
#include "sbom/inventory.h"
#include "sbom/sbom_format.h"

namespace pare {

std::string image_sbom(const std::string& rootfs, const PackageStep& packages, const std::string& output,
                       const std::string& tag, const std::string& format) {
  RootFs root(rootfs);
  std::string name = std::filesystem::path(output).filename().string();
  return sbom_text(take_inventory(root, packages, name, tag), format);
}

}  // namespace pare
