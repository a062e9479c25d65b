// Several recordings of one app -> one manifest. A set union: commutative,
// associative and idempotent (merging A with A gives A), so counts take the
// maximum seen in any input rather than a sum, and the result is complete
// only when every input was.
#pragma once

#include <vector>

#include "manifest/manifest.h"

namespace pare {

Manifest merge_manifests(const std::vector<Manifest>& inputs);

}  // namespace pare
