// Reading everything in a manifest but its four maps of entries (the small
// "header": schema_version, tool, target, times, drops, syscalls...) from a
// json value. The entries are read while parsing (entry_reader.h).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "manifest/manifest.h"

namespace pare {

// Fills M's header fields from J, the top-level object (any section members
// in it are not looked at). Throws Error(kExitBadInput) naming the first problem.
void read_manifest_header(const nlohmann::json& j, const std::string& source, Manifest& m);

}  // namespace pare
