#include "build/package_db.h"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/interrupt.h"
#include "packages/trimmed_db.h"
#include "resolve/tree_scan.h"

namespace pare {

namespace {

// The source's database and os-release; a database that cannot be read is
// reported, never fatal: scanners lose data, the app loses nothing.
PackageStep read_packages(const RootFs& src) {
  PackageStep step;
  step.os = read_os_release(src);
  try {
    step.db = read_dpkg_db(src);
    if (!step.db) step.none_reason = "the source has no dpkg database (" + std::string(kDpkgAdminDir) + "/status)";
  } catch (const Interrupted&) {
    throw;
  } catch (const Error& e) {
    step.none_reason = std::string("the source's dpkg database was not read: ") + e.what();
    spdlog::warn("{}; the image gets no package database", step.none_reason);
  }
  return step;
}

}  // namespace

PackageStep package_step(RootfsCopy& copy, const RootFs& src, const std::string& rootfs_out, bool write_db) {
  PackageStep step = read_packages(src);
  step.write_db = write_db;
  if (!step.db) return step;
  TreeScan image = scan_tree(rootfs_out, {}, true);
  step.usage = attribute_files(*step.db, src, image.entries);
  spdlog::info("packages: {} in the source, {} with kept files", step.usage->before, step.usage->kept.size());
  if (!write_db) return step;
  for (auto& f : trimmed_dpkg_db(*step.db, *step.usage)) {
    throw_if_interrupted();
    if (auto written = copy.write_generated(f.path, f.content)) step.db_files.push_back(*written);
  }
  // The database is not app content: not "owned by no package" in the report.
  std::set<std::string> written(step.db_files.begin(), step.db_files.end());
  std::erase_if(step.usage->unowned, [&](const UnownedFile& f) { return written.count(f.path); });
  return step;
}

PackageStep packages_of_tree(const RootFs& root) {
  PackageStep step = read_packages(root);
  step.write_db = false;
  if (!step.db) return step;
  TreeScan tree = scan_tree(root.root(), {}, true);
  step.usage = attribute_files(*step.db, root, tree.entries);
  return step;
}

}  // namespace pare
