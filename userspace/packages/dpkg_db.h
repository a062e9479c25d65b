// dpkg's database in a source root (/var/lib/dpkg): the installed packages
// from `status`, each package's file list (info/NAME.list) and checksums
// (info/NAME.md5sums), and `diversions`. Read through RootFs (the source is
// untrusted), every file bounded, and the whole database bounded together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "resolve/root_fs.h"

namespace pare {

inline constexpr const char* kDpkgAdminDir = "/var/lib/dpkg";

struct DpkgPackage {
  std::string name, arch, version;
  std::string source, source_version;  // the Source field ("glibc", or "src (ver)"); name/version when absent
  std::string paragraph;               // the status paragraph, verbatim
  std::string info_name;               // stem of its info/ files: "libc6:amd64" (Multi-Arch: same) or "nginx"
  std::vector<std::string> files;      // info/NAME.list lines, as dpkg wrote them ("/.", "/usr/bin/x")
  bool has_md5sums = false;
  std::vector<std::pair<std::string, std::string>> md5sums;  // "/usr/bin/x" -> its line, verbatim
  std::string id() const { return name + ":" + arch; }       // unique in one database
};

struct DpkgDiversion {
  std::string from, to;
  std::string by;  // the diverting package; "" for a local diversion (every package's file moves)
};

struct DpkgDb {
  std::vector<DpkgPackage> packages;  // unpacked or installed ones, in the status file's order
  std::vector<DpkgDiversion> diversions;
  std::optional<std::string> info_format;  // info/format: "1" means multiarch info names
  size_t skipped = 0;  // status paragraphs refused (a name or architecture no file name may be made of)
};

// The database of the root FS, or nullopt when it has no status file.
// Throws Error(kExitBadInput) for a database too large to be real.
std::optional<DpkgDb> read_dpkg_db(const RootFs& fs);

// Whether NAME is a valid Debian package name / architecture: these become file names.
bool valid_package_name(const std::string& name);
bool valid_architecture(const std::string& arch);

}  // namespace pare
