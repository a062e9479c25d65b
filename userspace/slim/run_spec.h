// How to run the app: from the OCI image config (Entrypoint + Cmd, Env,
// WorkingDir, User, ExposedPorts) or from `-- CMD ARGS` for a plain rootfs.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "container/bundle.h"

namespace pare {

// USER (--user USER[:GROUP]), when given, replaces the image's User. Throws
// Error(kExitUsage) when there is nothing to run or USER is unknown, and
// Error(kExitBadInput) for an image User that the rootfs does not know.
ContainerSpec run_spec(const nlohmann::json& image_config, const std::vector<std::string>& command,
                       const std::string& rootfs, const std::string& user = "");

// The image's tcp ExposedPorts as "127.0.0.1:PORT" (the app shares the host's
// network namespace), for readiness; udp/sctp and malformed keys are skipped.
std::vector<std::string> exposed_tcp_ports(const nlohmann::json& image_config);

}  // namespace pare
