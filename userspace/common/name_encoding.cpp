#include "common/name_encoding.h"

#include "common/error.h"

namespace pare {

namespace {

// Length of the valid UTF-8 sequence starting at S[I], or 0 if none
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t utf8_sequence(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c == 0xE0) len = 3, lo = 0xA0;
  else if (c == 0xED) len = 3, hi = 0x9F;  // no UTF-16 surrogates
  else if (c >= 0xE1 && c <= 0xEF) len = 3;
  else if (c == 0xF0) len = 4, lo = 0x90;
  else if (c == 0xF4) len = 4, hi = 0x8F;
  else if (c >= 0xF1 && c <= 0xF3) len = 4;
  else return 0;
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return len;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// CONTROLS: also escape C0 controls and DEL (for terminals and one-line messages).
std::string escaped(std::string_view bytes, bool controls = false) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() + 8);
  for (size_t i = 0; i < bytes.size();) {
    auto c0 = static_cast<unsigned char>(bytes[i]);
    bool control = controls && (c0 < 0x20 || c0 == 0x7f);
    size_t n = bytes[i] == '%' || control ? 0 : utf8_sequence(bytes, i);
    if (n == 0) {
      auto c = static_cast<unsigned char>(bytes[i]);
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
    } else {
      out.append(bytes.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string encode_name(std::string_view bytes) {
  if (is_valid_utf8(bytes) && (bytes.empty() || bytes[0] != '\0')) return std::string(bytes);
  return std::string(1, '\0') + escaped(bytes);
}

std::optional<std::string> decode_name(std::string_view text, std::string* why) {
  auto bad = [&](const char* reason) -> std::optional<std::string> {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (text.empty() || text[0] != '\0') {
    if (text.find('\0') != std::string_view::npos) return bad("contains a NUL byte");
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size());
  for (size_t i = 1; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\0') return bad("contains a NUL byte");
    if (c != '%') {
      out += c;
      continue;
    }
    if (i + 2 >= text.size()) return bad("has a truncated %-escape");
    int h = hex_value(text[i + 1]), l = hex_value(text[i + 2]);
    if (h < 0 || l < 0) return bad("has a malformed %-escape");
    char b = static_cast<char>(h * 16 + l);
    if (b == '\0') return bad("contains a NUL byte");
    out += b;
    i += 2;
  }
  return out;
}

void require_utf8(std::string_view text, const std::string& what) {
  if (!is_valid_utf8(text))
    throw Error(kExitUsage, what + " \"" + printable_name(text) +
                                "\" is not valid UTF-8; container configs are UTF-8 JSON and cannot hold it");
}

std::string printable_name(std::string_view bytes) {
  bool plain = is_valid_utf8(bytes);
  for (char c : bytes) plain = plain && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  return plain ? std::string(bytes) : escaped(bytes, true);
}

}  // namespace pare
