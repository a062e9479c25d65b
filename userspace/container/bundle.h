// OCI bundles: reading the one a user gives (`record --bundle`) and writing
// the one `pare slim` runs an image in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pare {

struct BundleInfo {
  std::string dir;     // absolute bundle directory
  std::string rootfs;  // absolute root.path
  std::vector<std::string> args;
  std::vector<std::string> env;  // process.env: the target's locale comes from it
  nlohmann::json config;         // the whole config.json, for a modified copy (--user)
};

// Throws Error(kExitBadInput) for a missing or malformed config.json, and for
// process.terminal=true (pare records without a terminal).
BundleInfo read_bundle(const std::string& dir);

struct ContainerSpec {
  std::string rootfs;                 // absolute
  std::vector<std::string> args;      // what to run
  std::vector<std::string> env;       // KEY=VALUE
  std::string cwd = "/";
  uint32_t uid = 0, gid = 0;
  std::vector<uint32_t> additional_gids;  // supplementary groups
  bool host_network = true;           // share the host's network namespace (traffic reaches the app)
  nlohmann::json seccomp;             // linux.seccomp (pare seccomp's profile); null: none
};

// config.json for SPEC: runc's defaults (namespaces, /proc, /dev, /sys,
// capabilities, masked paths) with the network namespace shared with the host.
nlohmann::json bundle_config(const ContainerSpec& spec);
void write_bundle(const std::string& dir, const ContainerSpec& spec);

}  // namespace pare
