// `pare slim`: the whole loop in one command, like `slim build`: unpack ->
// bundle -> record under test traffic -> closure -> build -> verify the
// minimal image under the same traffic -> before/after table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "closure/closure.h"
#include "image/unpack_budget.h"
#include "traffic/traffic_plan.h"

namespace pare {

struct SlimOptions {
  std::string from;                   // any image source (image_source.h), or a rootfs dir
  std::string output;
  std::string format;                 // dir | oci | oci-archive | docker-archive; default: like the input
  std::string load;                   // --load podman: load the minimal image, print its id
  bool force = false;
  std::vector<std::string> command;   // `-- CMD ARGS`: needed for a rootfs dir
  std::vector<std::string> env;       // --env KEY=VALUE for the app (and the output image)
  std::string user;                   // --user USER[:GROUP]: replaces the image's User
  std::string runtime;                // runc
  std::string report_path;            // JSON report
  std::string save_manifest;          // also write the recorded manifest here
  std::string tag = "latest";
  TrafficPlan traffic;                // used to record and to verify
  std::vector<std::string> verify_traffic;  // extra commands for the verify run only
  std::vector<std::string> verify_probes;   // extra probes for the verify run only
  bool verify = true;
  bool seccomp = false;               // --seccomp: OUT.seccomp.json, and the verify run under it
  bool package_db = true;             // false: --no-package-db (build/package_db.h)
  std::string sbom_path;              // --sbom FILE: the minimal image's SBOM
  std::string sbom_format = "cyclonedx";  // --sbom-format cyclonedx | spdx
  ClosureOptions closure;
  uint64_t max_unpacked_size = kDefaultMaxUnpackedBytes;  // --max-unpacked-size: bound on unpacking an image
};

int run_slim(const SlimOptions& opts);

// Where --seccomp writes the profile: beside OUT ("out/" -> "out.seccomp.json").
std::string seccomp_profile_path(const std::string& output);

}  // namespace pare
