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

// For readers that take big documents apart with a SAX handler of their own
// (nlohmann::json::sax_parse; a 10^5-entry manifest never exists as a DOM):
// the errors parse_json_limited throws. The handler counts nesting itself
// and calls json_too_deep past kMaxJsonDepth; its parse_error calls json_error.
[[noreturn]] void json_error(const nlohmann::json::exception& e, const std::string& what, ExitCode code);
[[noreturn]] void json_too_deep(const std::string& what, ExitCode code);

}  // namespace pare
