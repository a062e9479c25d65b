// Debian control-file paragraphs (deb822): the format of dpkg's status file.
// "Field: value" lines, continuation lines starting with a space or tab,
// paragraphs separated by blank lines. Each paragraph keeps its exact text so
// a trimmed status file can carry the source's paragraphs byte for byte
// (scanners and dpkg read fields pare does not know about: Depends,
// Conffiles, Description...).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pare {

struct Deb822Paragraph {
  std::string text;                           // the paragraph's lines, each ending in '\n', no blank line
  std::map<std::string, std::string> fields;  // field name as written -> value (first line trimmed, continuations kept)
  // The value of NAME (field names are case-insensitive in deb822), or nullopt.
  std::optional<std::string> field(std::string_view name) const;
};

// Splits TEXT into paragraphs. Lines that are neither a field nor a
// continuation (comments, junk in an untrusted file) stay in the text but
// carry no field. A single pass: the input's size costs time, never depth.
std::vector<Deb822Paragraph> parse_deb822(std::string_view text);

}  // namespace pare
