// State is not code. A trace sees the rows and catalogs the test traffic
// touched, not the rest of a database's data directory, so directories that
// hold the app's persistent state are kept whole (rule `state-dirs`):
//
//   - declared ones: image VOLUMEs (slim) and --state-dir DIR;
//   - found ones: a file that existed before the recording and that the app
//     both read and wrote (a database, not a log: logs are opened write-only
//     or append-only, pid/lock files and caches are created by the run) marks
//     its directory as state. When that file belongs to a non-root user (the
//     app's own user, like mysql or postgres), the state directory reaches up
//     to the top of that user's ownership (/var/lib/mysql, not
//     /var/lib/mysql/db1); for a root-owned file it is the file's directory.
//     System directories (/, /etc, /usr, /var, /var/lib, /opt, /srv, /home,
//     /tmp and the like) are never kept whole this way: the file alone is.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "manifest/manifest.h"
#include "resolve/root_fs.h"

namespace pare {

struct StateDir {
  std::string dir;     // physical path inside the root
  std::string reason;  // "image VOLUME", "--state-dir", "read and written by the app (owner uid 101)"
};

// CREATED tells whether a path was made by the recorded run (empty: use the
// manifest's `created` marks). DECLARED come first; HEURISTIC adds found ones.
std::vector<StateDir> find_state_dirs(const Manifest& m, const RootFs& fs, const std::vector<StateDir>& declared,
                                      bool heuristic, const std::function<bool(const std::string&)>& created);

}  // namespace pare
