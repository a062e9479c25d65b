// The config blob of a written image: what a runtime needs from the source
// image's config (platform, Entrypoint, Cmd, Env, User, WorkingDir,
// ExposedPorts, Labels, StopSignal, Volumes, "created"), the user's overrides,
// and the one layer. Nothing comes from the clock, so it is reproducible.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "image/oci_writer.h"

namespace pare {

// Builds the config from OPTS.base_config and overrides. An entrypoint override
// without a cmd override clears an inherited Cmd (the Dockerfile rule: the
// base image's arguments were meant for the base image's entrypoint).
// --env entries must be KEY=VALUE (throws Error(kExitUsage) otherwise); a KEY
// already set is replaced in place, a new one appended.
nlohmann::json build_image_config(const OciWriteOptions& opts, const std::string& diff_id);

}  // namespace pare
