// Reading an image archive's own tar (a `docker save` or oci-archive file, not
// a layer): its entry names made comparable with the names its JSON uses, and
// one entry's data copied out to a scratch file, metered by the unpack budget.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <string>

namespace pare {

class UnpackBudget;

// RAW (an entry name of the outer tar) as a clean relative path; "" for a name
// that climbs out ("..") and so can never be referenced.
std::string outer_entry_name(const char* raw);

// Copies the current entry's data (of A, the archive FILE) to PATH, created
// new with mode 0600. The size its header declares is charged to BUDGET as
// scratch before the file is created (a gzip'ed archive can hide a bomb), and
// what a lying header lets through beyond it as it comes. NAME is the entry's
// clean name for messages. Throws Error(kExitBadInput) for an unreadable
// entry or one over the budget's limit, Error(kExitFailure) when PATH cannot
// be written.
void copy_tar_entry(archive* a, archive_entry* e, const std::string& name, const std::string& path,
                    const std::string& file, UnpackBudget& budget);

}  // namespace pare
