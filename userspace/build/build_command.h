// `pare build`: manifest + source (rootfs dir, OCI layout, oci-archive,
// docker-save tar, containers-storage) -> minimal rootfs dir, OCI image layout,
// oci-archive or docker-archive, with a size report; optionally loaded into
// podman.
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
  std::string format;  // dir | oci | oci-archive | docker-archive; empty: dir for a rootfs, oci for an image
  std::string load;    // --load podman: podman load the result (an image format) and print its id
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
// ROOTFS -> OUT as FORMAT (dir: moved; oci / oci-archive / docker-archive:
// packaged), published with publish_output. WORK is a scratch dir on OUT's
// filesystem. Returns the image's config digest ("" for dir): podman's id for it.
std::string publish_rootfs(const std::string& rootfs, const std::string& format, const std::string& out,
                           const OciWriteOptions& oci, const std::string& work);

// The output format for --format FORMAT (may be empty) and --load LOAD, checked
// before any work: the default is dir for a rootfs source, oci for an image,
// docker-archive with --load; --load needs an image format and podman.
// Throws Error(kExitUsage), Error(kExitEnvironment) without podman.
std::string choose_format(const std::string& format, bool rootfs_source, const std::string& load);

}  // namespace pare
