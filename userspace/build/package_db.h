// The build's package step: which of the source's Debian packages the
// minimal image still holds, and their database written into it.
//
// It lives in build/, not in the closure's rule packs: what it writes depends
// on what the build actually kept (after --exclude, paths the source lacks,
// entries that vanished from a live source), and its content is generated,
// not copied (the source's status lists every package; the image's lists only
// the kept ones). The manifest stays the app's allowlist: `pare audit` does
// not let the app read /var/lib/dpkg because a scanner needs it. The files it
// writes show in the report with the reason `rule package-db`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "build/rootfs_copy.h"
#include "packages/dpkg_db.h"
#include "packages/file_owners.h"
#include "packages/os_release.h"
#include "resolve/root_fs.h"

namespace pare {

inline constexpr const char* kPackageDbWhy = "rule package-db";

struct PackageStep {
  std::optional<DpkgDb> db;           // the source's database
  std::optional<PackageUsage> usage;  // with db: what the image keeps of each package
  std::string none_reason;            // without db: why ("the source has no dpkg database")
  std::optional<OsRelease> os;        // the source's os-release
  bool write_db = true;               // false: --no-package-db
  std::vector<std::string> db_files;  // what the package db step wrote (physical paths)
};

// After COPY has copied the manifest's paths into ROOTFS_OUT: attributes the
// image's files to the source's packages and, when WRITE_DB, writes the
// trimmed database (packages/trimmed_db.h) through COPY. A database too large
// or broken to read is a warning: the image is built without package data.
PackageStep package_step(RootfsCopy& copy, const RootFs& src, const std::string& rootfs_out, bool write_db);

// The same attribution for a tree as it is (pare sbom of a fat image): every
// file of ROOT is "kept".
PackageStep packages_of_tree(const RootFs& root);

}  // namespace pare
