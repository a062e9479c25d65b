// Which package owns each file an image keeps. dpkg's file lists name paths
// as the package shipped them (/bin/ls, /lib64/ld-linux-x86-64.so.2); in a
// merged-/usr source they live at /usr/bin/ls, and a pare image keeps the
// physical path (plus the links on the way). So every list entry is resolved
// through the SOURCE's own symlinks (RootFs, never leaving the root), after
// dpkg's diversions, and only then compared with the image's entries.
//
// A list entry is a directory when the same list names something below it,
// or the source has a directory there; directories never count as kept
// files (every package lists /usr). Entries the source does not have
// (documentation dropped by path-exclude, say) count nowhere.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "packages/dpkg_db.h"
#include "resolve/root_fs.h"
#include "resolve/tree_scan.h"

namespace pare {

struct PackageUse {
  size_t package = 0;        // index into DpkgDb::packages
  uint64_t files_total = 0;  // non-directories of its list that the source has
  uint64_t files_kept = 0;   // ... that the image has
  uint64_t bytes_kept = 0;   // sizes of its kept regular files
  std::vector<bool> list_kept;  // per DpkgPackage::files line: the image has it (directories included)
  std::vector<bool> md5_kept;   // per DpkgPackage::md5sums line
  std::vector<std::string> kept_files;  // physical paths of its kept non-directories, sorted
};

struct UnownedFile {
  std::string path;
  char type = 'f';  // TreeEntry::type: 'f' or 'l' (or 'o')
  uint64_t size = 0;
};

struct PackageUsage {
  size_t before = 0;                 // packages the source's database lists
  std::vector<PackageUse> kept;      // packages with at least one kept file, in status order
  std::vector<size_t> removed;       // indexes of the others, in status order
  std::vector<UnownedFile> unowned;  // the image's non-directories no package lists, by path
};

// IMAGE: every entry of the image ("/usr/bin/x" -> its type and size), as
// scan_tree(..., list_entries) gives it.
PackageUsage attribute_files(const DpkgDb& db, const RootFs& source, const std::map<std::string, TreeEntry>& image);

}  // namespace pare
