// How to run the app: from the OCI image config (Entrypoint + Cmd, Env,
// WorkingDir, User) or from `-- CMD ARGS` for a plain rootfs.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "container/bundle.h"

namespace pare {

// Throws Error(kExitUsage) when there is nothing to run, and
// Error(kExitBadInput) for a User that the rootfs does not know.
ContainerSpec run_spec(const nlohmann::json& image_config, const std::vector<std::string>& command,
                       const std::string& rootfs);

}  // namespace pare
