// The packages part of the build/slim report: packages before -> after, the
// removed ones, files kept/total and bytes of each kept package, the kept
// files no package owns, and the package database written (rule package-db).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "build/package_db.h"

namespace pare {

// Adds "packages" to the JSON report.
void add_packages_to_json(nlohmann::json& report, const PackageStep& step);
std::string packages_to_text(const PackageStep& step);

}  // namespace pare
