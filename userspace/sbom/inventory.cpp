#include "sbom/inventory.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>

#include "common/interrupt.h"
#include "packages/purl.h"
#include "resolve/tree_scan.h"
#include "sbom/file_digest.h"

namespace pare {

Inventory take_inventory(const RootFs& image, const PackageStep& step, const std::string& name,
                         const std::string& version) {
  Inventory inv;
  inv.name = name;
  inv.version = version;
  inv.os = step.os;
  TreeScan tree = scan_tree(image.root(), {}, true);
  std::map<std::string, size_t> index;
  for (auto& [path, e] : tree.entries) {
    if (e.type != 'f') continue;
    auto d = digest_file(image, path);
    if (!d) continue;  // gone since the scan (a live tree)
    index[path] = inv.files.size();
    inv.files.push_back({path, d->size, d->sha1, d->sha256});
    inv.newest_mtime = std::max(inv.newest_mtime, e.mtime);
  }
  std::vector<bool> owned(inv.files.size(), false);
  if (step.db && step.usage) {
    OsRelease os = step.os.value_or(OsRelease{});
    for (auto& use : step.usage->kept) {
      const DpkgPackage& p = step.db->packages[use.package];
      SbomPackage sp{p.name, p.version, p.arch, p.source, p.source_version, deb_purl(p, os),
                     use.files_kept, use.files_total, {}};
      for (auto& f : use.kept_files)
        if (auto it = index.find(f); it != index.end()) {
          sp.files.push_back(it->second);
          owned[it->second] = true;
        }
      inv.packages.push_back(std::move(sp));
    }
  }
  for (size_t i = 0; i < inv.files.size(); ++i)
    if (!owned[i]) inv.unowned.push_back(i);
  return inv;
}

std::string sbom_created(const Inventory& inv) {
  int64_t t = inv.newest_mtime;
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH"); sde && *sde) {
    char* end = nullptr;
    long long v = std::strtoll(sde, &end, 10);
    if (end && *end == '\0' && v >= 0) t = v;
  }
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string content_uuid(const std::string& data) {
  // RFC 4122 section 4.3, in pare's own namespace (a fixed random UUID).
  static const unsigned char kNamespace[16] = {0x5c, 0x3e, 0x1f, 0x0a, 0x8b, 0x4d, 0x4e, 0x71,
                                               0x9a, 0x2c, 0x61, 0x7d, 0x0e, 0x93, 0xb4, 0x25};
  std::string h = sha1_raw(std::string(reinterpret_cast<const char*>(kNamespace), 16) + data);
  unsigned char b[16];
  for (int i = 0; i < 16; ++i) b[i] = static_cast<unsigned char>(h[static_cast<size_t>(i)]);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x50);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

}  // namespace pare
