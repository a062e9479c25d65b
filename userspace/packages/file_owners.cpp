#include "packages/file_owners.h"

#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/interrupt.h"
#include "resolve/symlink_chain.h"

namespace pare {

namespace {

// List paths -> physical paths in the source. Parents are resolved once each:
// a fat image's lists name a few thousand directories and many thousand files.
class PhysicalPaths {
 public:
  explicit PhysicalPaths(const RootFs& fs) : fs_(fs) {}

  std::string of(const std::string& path) {
    std::string parent = parent_path(path);
    auto it = parents_.find(parent);
    if (it == parents_.end()) it = parents_.emplace(parent, resolve_in_root(fs_, parent).path).first;
    return it->second == "/" ? "/" + base_name(path) : it->second + "/" + base_name(path);
  }

 private:
  const RootFs& fs_;
  std::unordered_map<std::string, std::string> parents_;
};

// dpkg-divert: a diverted path of any package but the diverting one lives at its "to".
class Diversions {
 public:
  explicit Diversions(const std::vector<DpkgDiversion>& list) {
    for (auto& d : list) by_from_[d.from] = &d;
  }
  std::string apply(const std::string& path, const std::string& package) const {
    auto it = by_from_.find(path);
    if (it == by_from_.end() || it->second->by == package) return path;
    return it->second->to;
  }

 private:
  std::unordered_map<std::string, const DpkgDiversion*> by_from_;
};

bool image_has_nondir(const std::map<std::string, TreeEntry>& image, const std::string& p) {
  auto it = image.find(p);
  return it != image.end() && it->second.type != 'd';
}

}  // namespace

PackageUsage attribute_files(const DpkgDb& db, const RootFs& source, const std::map<std::string, TreeEntry>& image) {
  PackageUsage u;
  u.before = db.packages.size();
  PhysicalPaths physical(source);
  Diversions diversions(db.diversions);
  std::unordered_set<std::string> owned;  // physical paths of kept non-directories some package lists
  for (size_t i = 0; i < db.packages.size(); ++i) {
    throw_if_interrupted();
    const DpkgPackage& pkg = db.packages[i];
    PackageUse use;
    use.package = i;
    use.list_kept.assign(pkg.files.size(), false);
    std::unordered_set<std::string> has_children;
    for (auto& line : pkg.files) has_children.insert(parent_path(lexical_normalize(line)));
    for (size_t j = 0; j < pkg.files.size(); ++j) {
      std::string listed = lexical_normalize(pkg.files[j]);
      if (listed.empty() || listed[0] != '/') continue;
      if (listed == "/") {  // "/." heads every list: the root is always there
        use.list_kept[j] = true;
        continue;
      }
      std::string phys = physical.of(diversions.apply(listed, pkg.name));
      auto img = image.find(phys);
      auto st = source.lstat(phys);
      bool dir = has_children.count(listed) || (st && S_ISDIR(st->st_mode));
      if (dir) {
        use.list_kept[j] = img != image.end();
        continue;
      }
      if (!st) continue;
      ++use.files_total;
      if (img == image.end() || img->second.type == 'd') continue;
      use.list_kept[j] = true;
      ++use.files_kept;
      if (img->second.type == 'f') use.bytes_kept += img->second.size;
      use.kept_files.push_back(phys);
      owned.insert(phys);
    }
    for (auto& [path, line] : pkg.md5sums)
      use.md5_kept.push_back(image_has_nondir(image, physical.of(diversions.apply(lexical_normalize(path), pkg.name))));
    std::sort(use.kept_files.begin(), use.kept_files.end());
    use.kept_files.erase(std::unique(use.kept_files.begin(), use.kept_files.end()), use.kept_files.end());
    if (use.files_kept) u.kept.push_back(std::move(use));
    else u.removed.push_back(i);
  }
  for (auto& [p, e] : image)
    if (e.type != 'd' && !owned.count(p)) u.unowned.push_back({p, e.type, e.size});
  return u;
}

}  // namespace pare
