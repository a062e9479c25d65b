// Parsing JSON that pare did not write (manifests, image configs, OCI
// indexes, bundle configs): untrusted input must never control recursion
// depth. nlohmann's parser is iterative, but copying, comparing and
// destroying a value recurse once per nesting level, so anything deeper
// than any real document is refused while parsing.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pare {

// Deeper than any manifest (5 levels) or OCI/Docker document (about 8).
inline constexpr int kMaxJsonDepth = 64;

// Parses TEXT; on malformed or too deeply nested input throws Error(CODE,
// "WHAT: reason").
nlohmann::json parse_json_limited(const std::string& text, const std::string& what, ExitCode code = kExitBadInput);

// The same limits, for readers that take big documents apart while parsing:
// ON_EVENT sees every parse event (nlohmann's parser_callback_t) and returns
// false to drop the value just completed, so a 10^5-entry manifest never
// exists as one DOM. Only members dropped as soon as they end keep this
// linear: nlohmann rescans an object's members after each member object it keeps.
nlohmann::json parse_json_streaming(const std::string& text, const std::string& what, ExitCode code,
                                    const nlohmann::json::parser_callback_t& on_event);

}  // namespace pare
