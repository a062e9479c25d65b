#include "packages/purl.h"

#include <cstdio>

namespace pare {

std::string purl_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
        c == '_' || c == '~' || c == ':' || c == '+') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string deb_purl(const DpkgPackage& p, const OsRelease& os) {
  // A deb without os-release is still most likely Debian's.
  std::string ns = os.id.empty() ? "debian" : os.id;
  std::string purl = "pkg:deb/" + purl_encode(ns) + "/" + purl_encode(p.name);
  if (!p.version.empty()) purl += "@" + purl_encode(p.version);
  // Qualifiers in lexical order of their keys, as purl-spec wants.
  std::string q = "arch=" + purl_encode(p.arch);
  if (!os.distro().empty()) q += "&distro=" + purl_encode(os.distro());
  if (p.source != p.name || p.source_version != p.version) {
    q += "&upstream=" + purl_encode(p.source);
    if (p.source_version != p.version) q += purl_encode("@") + purl_encode(p.source_version);
  }
  return purl + "?" + q;
}

}  // namespace pare
