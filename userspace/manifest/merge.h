// Several recordings of one app -> one manifest. A set union: commutative,
// associative and idempotent (merging A with A gives A), so counts take the
// maximum seen in any input rather than a sum, and the result is complete
// only when every input was.
#pragma once

#include <vector>

#include "manifest/manifest.h"

namespace pare {

Manifest merge_manifests(std::vector<Manifest> inputs);

// The same union one input at a time (pare merge folds files as it reads
// them, so only the result and one input are in memory):
// out = merge_start(first); merge_into(out, next)...
Manifest merge_start(Manifest first);
void merge_into(Manifest& out, Manifest&& in);

}  // namespace pare
