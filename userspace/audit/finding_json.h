// One audit finding as one JSON line (names encoded like the manifest's).
#pragma once

#include <nlohmann/json.hpp>

#include "audit/auditor.h"

namespace pare {

// SCOPE is the same object on every line: which target, which root, which container.
nlohmann::json finding_to_json(const Finding& f, const nlohmann::json& scope);

}  // namespace pare
