#include "packages/trimmed_db.h"

namespace pare {

std::vector<GeneratedFile> trimmed_dpkg_db(const DpkgDb& db, const PackageUsage& usage) {
  const std::string admin = kDpkgAdminDir;
  std::vector<GeneratedFile> out;
  GeneratedFile status{admin + "/status", ""};
  for (auto& use : usage.kept) {
    const DpkgPackage& p = db.packages[use.package];
    // As dpkg writes it: each paragraph followed by a blank line.
    status.content += p.paragraph + "\n";
    GeneratedFile list{admin + "/info/" + p.info_name + ".list", ""};
    for (size_t j = 0; j < p.files.size(); ++j)
      if (use.list_kept[j]) list.content += p.files[j] + "\n";
    out.push_back(std::move(list));
    if (!p.has_md5sums) continue;
    GeneratedFile md5{admin + "/info/" + p.info_name + ".md5sums", ""};
    for (size_t j = 0; j < p.md5sums.size(); ++j)
      if (use.md5_kept[j]) md5.content += p.md5sums[j].second + "\n";
    out.push_back(std::move(md5));
  }
  out.insert(out.begin(), std::move(status));
  if (db.info_format) out.push_back({admin + "/info/format", *db.info_format});
  return out;
}

}  // namespace pare
