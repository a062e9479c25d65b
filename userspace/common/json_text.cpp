#include "common/json_text.h"

#include "common/name_encoding.h"

namespace pare {

void append_json_string(std::string& out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";  // nlohmann prints \u001f, lower case
  out += '"';
  size_t run = 0;  // start of the bytes not yet copied: plain runs are appended whole
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(text.substr(run));
  out += '"';
}

void append_json_name(std::string& out, std::string_view name) {
  // Almost every name is plain UTF-8 and encodes to itself: no copy for those.
  if (is_valid_utf8(name) && (name.empty() || name[0] != '\0'))
    append_json_string(out, name);
  else
    append_json_string(out, encode_name(name));
}

}  // namespace pare
