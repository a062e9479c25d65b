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

}  // namespace pare
