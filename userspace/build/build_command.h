// `pare build`: manifest + source (rootfs dir, OCI layout, docker-save tar) ->
// minimal rootfs dir, OCI image layout or oci-archive, with a size report.
// Everything is built in a temporary sibling of OUT and renamed into place
// when whole: a failure leaves OUT as it was.
#pragma once

#include <optional>
#include <string>
#include <vector>

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
};

int run_build(const BuildOptions& opts);

// The pieces, shared with `pare slim`:
struct Manifest;
struct CopyResult;
struct OciWriteOptions;
// OUT as an absolute path without a trailing slash; refuses /, the working
// directory or its parents, and anything overlapping SRC.
std::string normalize_output(const std::string& out, const std::string& src);
// Refuses an OUT that exists and is not an empty directory, unless FORCE.
void check_build_output(const std::string& out, bool force);
// Copies the manifest's copyable paths (not pseudo, not absent) from SRC_ROOT into ROOTFS_OUT (existing, empty).
CopyResult copy_manifest_paths(const Manifest& m, const std::string& src_root, const std::string& rootfs_out);
// ROOTFS -> OUT as FORMAT (dir: moved; oci / oci-archive: packaged). WORK is a scratch dir on OUT's filesystem.
void publish_rootfs(const std::string& rootfs, const std::string& format, const std::string& out,
                    const OciWriteOptions& oci, const std::string& work);

}  // namespace pare
