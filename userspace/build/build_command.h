// `pare build`: manifest + source (rootfs dir, OCI layout, docker-save tar) ->
// minimal rootfs dir, OCI image layout or oci-archive, with a size report.
// Everything is built in a temporary sibling of OUT and renamed into place
// when whole: a failure leaves OUT as it was.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "build/package_db.h"
#include "build/rootfs_copy.h"
#include "image/unpack_budget.h"

namespace pare {

struct BuildOptions {
  std::string manifest_path;
  std::string from;
  std::string output;
  std::string format;  // dir | oci | oci-archive; empty: dir for a rootfs, oci for an image
  bool force = false;
  std::string report_path;
  std::optional<std::vector<std::string>> entrypoint, cmd;
  std::vector<std::string> env;
  std::string tag = "latest";
  uint64_t max_unpacked_size = kDefaultMaxUnpackedBytes;  // --max-unpacked-size: bound on unpacking an image
  bool measure_source = false;  // --measure-source: walk a directory source for the report's "before"
  bool package_db = true;       // false: --no-package-db (build/package_db.h)
  std::string sbom_path;        // --sbom FILE: the minimal image's SBOM
  std::string sbom_format = "cyclonedx";  // --sbom-format cyclonedx | spdx
};

int run_build(const BuildOptions& opts);

// The pieces, shared with `pare slim`:
struct Manifest;
struct OciWriteOptions;
// (normalize_output, check_build_output: build/output_dir.h)
struct BuiltRootfs {
  CopyResult copied;
  PackageStep packages;
};
// Copies the manifest's copyable paths (not pseudo, not absent) from SRC_ROOT
// into ROOTFS_OUT (existing, empty), then the package step (the package
// database unless !PACKAGE_DB).
BuiltRootfs build_rootfs(const Manifest& m, const std::string& src_root, const std::string& rootfs_out, bool package_db);
// ROOTFS -> OUT as FORMAT (dir: moved; oci / oci-archive: packaged), published
// with publish_output. WORK is a scratch dir on OUT's filesystem.
void publish_rootfs(const std::string& rootfs, const std::string& format, const std::string& out,
                    const OciWriteOptions& oci, const std::string& work);

}  // namespace pare
