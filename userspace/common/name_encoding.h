// Linux names are bytes: a file name, argv word, env entry or comm may hold
// any byte but NUL, valid UTF-8 or not. JSON text must be valid UTF-8. This is
// the one lossless mapping between the two, used by every JSON pare writes or
// reads (manifests, events, reports, diffs):
//
//   - a string that is valid UTF-8 is written exactly as it is;
//   - any other string is written as U+0000 (the JSON escape "\u0000", which no
//     kernel string can contain) followed by the bytes, where each byte that is
//     not part of a valid UTF-8 sequence becomes %XX (upper-case hex) and '%'
//     itself becomes %25. Valid runs stay readable: "/srv/caf\xe9" is written
//     "\u0000/srv/caf%E9".
//
// Decoding reverses it; a NUL anywhere else, or a bad %-escape, is an error
// (a manifest must never name a shorter path than it spells).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pare {

bool is_valid_utf8(std::string_view s);

// Bytes -> JSON-safe text (identity for valid UTF-8).
std::string encode_name(std::string_view bytes);

// JSON text -> bytes; nullopt (with WHY set) for a NUL inside a name or a malformed escape.
std::optional<std::string> decode_name(std::string_view text, std::string* why = nullptr);

// Formats other programs read (OCI image and runtime configs) are plain UTF-8
// JSON with no room for our encoding: a word that is not UTF-8 cannot go
// there. Throws Error(kExitUsage) naming WHAT.
void require_utf8(std::string_view text, const std::string& what);

// For messages and text output: as it is when valid UTF-8 without control
// characters; otherwise %-escaped (invalid bytes, controls, '%'), so a terminal
// or a one-line message never gets raw bytes.
std::string printable_name(std::string_view bytes);

}  // namespace pare
