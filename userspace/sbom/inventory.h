// What an SBOM describes: an image's packages (from the package step) and
// every regular file it holds, with digests. One model, two writers
// (sbom/cyclonedx.h, sbom/spdx.h), so both formats always list the same.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "build/package_db.h"
#include "packages/os_release.h"
#include "resolve/root_fs.h"

namespace pare {

struct SbomFile {
  std::string path;  // inside the image ("/usr/bin/x"), bytes as they are
  uint64_t size = 0;
  std::string sha1, sha256;
};

struct SbomPackage {
  std::string name, version, arch, source, source_version, purl;
  uint64_t files_kept = 0, files_total = 0;
  std::vector<size_t> files;  // indexes into Inventory::files: its regular files in the image
};

struct Inventory {
  std::string name;     // the image: OUT's or SRC's base name
  std::string version;  // its tag, or ""
  std::optional<OsRelease> os;
  std::vector<SbomPackage> packages;  // in the package database's order
  std::vector<SbomFile> files;        // every regular file, by path
  std::vector<size_t> unowned;        // files no package owns (the package database itself included)
  int64_t newest_mtime = 0;           // of the files: the documents' deterministic creation time
};

// Reads IMAGE (every regular file hashed) and takes the packages from STEP
// (its usage must describe IMAGE).
Inventory take_inventory(const RootFs& image, const PackageStep& step, const std::string& name,
                         const std::string& version);

// The documents' creation time: SOURCE_DATE_EPOCH when set (reproducible
// builds' convention), else the newest file mtime, so one image always gets
// one document. RFC 3339 UTC, seconds.
std::string sbom_created(const Inventory& inv);

// A name-based (version 5) UUID of DATA: the same document, the same id.
std::string content_uuid(const std::string& data);

}  // namespace pare
