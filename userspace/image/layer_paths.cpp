#include "image/layer_paths.h"

#include <vector>

#include "common/error.h"

namespace pare {

namespace {
const std::string kWhPrefix = ".wh.";
const std::string kWhMeta = ".wh..wh.";
const std::string kOpaque = ".wh..wh..opq";
}  // namespace

std::string clean_entry_path(const std::string& name, const std::string& what) {
  if (name.find('\0') != std::string::npos)
    throw Error(kExitBadInput, what + ": entry name contains a NUL byte");
  std::string out;
  size_t i = 0;
  while (i <= name.size()) {
    size_t j = name.find('/', i);
    if (j == std::string::npos) j = name.size();
    std::string comp = name.substr(i, j - i);
    i = j + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") throw Error(kExitBadInput, what + ": entry '" + name + "' contains '..'; refusing to unpack it");
    if (!out.empty()) out += '/';
    out += comp;
  }
  return out;
}

std::pair<std::string, std::string> split_parent(const std::string& clean) {
  size_t slash = clean.rfind('/');
  if (slash == std::string::npos) return {"", clean};
  return {clean.substr(0, slash), clean.substr(slash + 1)};
}

Whiteout classify_whiteout(const std::string& clean, const std::string& what) {
  auto [dir, base] = split_parent(clean);
  Whiteout w;
  if (base.compare(0, kWhPrefix.size(), kWhPrefix) != 0) return w;
  w.dir = dir;
  if (base == kOpaque) {
    w.kind = WhiteoutKind::kOpaque;
  } else if (base.compare(0, kWhMeta.size(), kWhMeta) == 0) {
    w.kind = WhiteoutKind::kIgnored;
  } else {
    w.kind = WhiteoutKind::kRemove;
    w.name = base.substr(kWhPrefix.size());
    if (w.name.empty() || w.name == "." || w.name == "..")
      throw Error(kExitBadInput, what + ": malformed whiteout '" + clean + "'");
  }
  return w;
}

}  // namespace pare
