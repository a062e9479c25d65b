// Writing JSON text without building a nlohmann::json value per string: a
// big manifest writes 10^5 names, and a DOM per entry cost most of the write.
// The text is byte-for-byte what nlohmann's dump() prints for the same string,
// so streamed and DOM-dumped manifests stay identical (tests compare them).
#pragma once

#include <string>
#include <string_view>

namespace pare {

// Appends TEXT (valid UTF-8) as a quoted JSON string, escaped exactly as
// nlohmann::json::dump() escapes it (ensure_ascii off).
void append_json_string(std::string& out, std::string_view text);

// Appends the bytes NAME as a JSON string in pare's lossless name encoding
// (common/name_encoding.h): the same text as json(encode_name(NAME)).dump().
void append_json_name(std::string& out, std::string_view name);

}  // namespace pare
