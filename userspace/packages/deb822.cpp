#include "packages/deb822.h"

#include <strings.h>

namespace pare {

namespace {

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool blank(std::string_view line) { return trim(line).empty(); }

}  // namespace

std::optional<std::string> Deb822Paragraph::field(std::string_view name) const {
  for (auto& [k, v] : fields)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  return std::nullopt;
}

std::vector<Deb822Paragraph> parse_deb822(std::string_view text) {
  std::vector<Deb822Paragraph> out;
  Deb822Paragraph cur;
  std::string* last_value = nullptr;  // the field a continuation line belongs to
  auto flush = [&] {
    if (!cur.text.empty()) out.push_back(std::move(cur));
    cur = {};
    last_value = nullptr;
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (blank(line)) {
      flush();
      continue;
    }
    cur.text.append(line);
    cur.text.push_back('\n');
    if (line[0] == ' ' || line[0] == '\t') {
      if (last_value) {
        last_value->push_back('\n');
        last_value->append(line.substr(1));
      }
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line[0] == '#') {
      last_value = nullptr;
      continue;
    }
    std::string name(trim(line.substr(0, colon)));
    auto [it, added] = cur.fields.try_emplace(name, std::string(trim(line.substr(colon + 1))));
    last_value = added ? &it->second : nullptr;  // a repeated field: the first one counts
  }
  flush();
  return out;
}

}  // namespace pare
