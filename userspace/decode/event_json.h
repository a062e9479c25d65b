// One decoded event as a JSON object: the --events JSONL stream.
#pragma once

#include <nlohmann/json.hpp>

#include "decode/event.h"

namespace pare {
nlohmann::json event_to_json(const Event& ev);
std::string errno_name(int err);  // "ENOENT"; "E<n>" when unknown
}
