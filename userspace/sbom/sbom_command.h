// `pare sbom --from SRC`: the SBOM of an image as it is (a fat image, to
// compare with the minimal one `pare build --sbom` describes): every package
// of its dpkg database, every regular file with its digests.
#pragma once

#include <cstdint>
#include <string>

#include "image/unpack_budget.h"

namespace pare {

struct SbomOptions {
  std::string from;    // rootfs dir, OCI layout DIR[:TAG], docker-save tar
  std::string output;  // "" or "-": stdout
  std::string format = "cyclonedx";
  uint64_t max_unpacked_size = kDefaultMaxUnpackedBytes;
};

int run_sbom(const SbomOptions& opts);

}  // namespace pare
