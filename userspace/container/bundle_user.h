// `record --bundle DIR --user USER`: the bundle runs as another user without
// touching the user's bundle: a modified copy of its config.json goes to a
// scratch bundle directory that runc is given instead.
#pragma once

#include <string>

#include "container/bundle.h"
#include "container/user_lookup.h"

namespace pare {

// Writes DIR/config.json: B's config with process.user set to USER (uid, gid,
// additionalGids; umask kept), and root.path and relative bind-mount sources
// made absolute, since runc reads them relative to the bundle it is given.
void write_bundle_as_user(const BundleInfo& b, const ProcessUser& user, const std::string& dir);

}  // namespace pare
