#include "packages/os_release.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"

namespace pare {

namespace {

// VALUE as os-release(5) allows it: bare, "double" (with \" \\ \$ \` escapes) or 'single'.
std::string unquote(std::string v) {
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.pop_back();
  if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') return v.substr(1, v.size() - 2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < v.size(); ++i) {
      if (v[i] == '\\' && i + 2 < v.size()) ++i;
      out += v[i];
    }
    return out;
  }
  return v;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string OsRelease::distro() const {
  if (id.empty()) return "";
  if (!version_id.empty()) return id + "-" + version_id;
  if (!version_codename.empty()) return id + "-" + version_codename;
  return id;
}

OsRelease parse_os_release(const std::string& text) {
  OsRelease os;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = unquote(line.substr(eq + 1));
    if (key == "ID") os.id = lower(value);
    else if (key == "VERSION_ID") os.version_id = value;
    else if (key == "VERSION_CODENAME") os.version_codename = value;
    else if (key == "PRETTY_NAME") os.pretty_name = value;
  }
  return os;
}

std::optional<OsRelease> read_os_release(const RootFs& fs) {
  for (const char* p : {"/etc/os-release", "/usr/lib/os-release"}) {
    std::optional<std::string> text;
    try {
      text = fs.read_file(p, 64 << 10);
    } catch (const Interrupted&) {
      throw;
    } catch (const Error&) {
      continue;  // unreadable or absurdly large: as if absent
    }
    if (text) return parse_os_release(*text);
  }
  return std::nullopt;
}

}  // namespace pare
