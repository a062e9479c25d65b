// The package database a minimal image carries: dpkg's own format, trimmed
// to what the image keeps, so `dpkg-query --admindir`, Trivy, Grype and Syft
// read it like any Debian image's.
//
//   /var/lib/dpkg/status            the source's paragraphs, verbatim, of the
//                                   packages with at least one kept file
//   /var/lib/dpkg/info/NAME.list    of each such package: its lines that the
//                                   image has (so `dpkg -L` and `dpkg -V` tell
//                                   the truth about the image)
//   /var/lib/dpkg/info/NAME.md5sums likewise, when the source had one
//   /var/lib/dpkg/info/format       as in the source (it says whether info
//                                   files carry ":ARCH")
//
// Contents only: the build writes them with the source files' metadata.
#pragma once

#include <string>
#include <vector>

#include "packages/dpkg_db.h"
#include "packages/file_owners.h"

namespace pare {

struct GeneratedFile {
  std::string path;  // absolute, inside the image
  std::string content;
};

std::vector<GeneratedFile> trimmed_dpkg_db(const DpkgDb& db, const PackageUsage& usage);

}  // namespace pare
