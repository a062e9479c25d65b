#include "common/scratch_dir.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "common/error.h"

namespace pare {

namespace fs = std::filesystem;

ScratchDir::ScratchDir(const std::string& near) {
  fs::path parent = fs::absolute(near).parent_path();
  std::string tmpl = (parent / (fs::path(near).filename().string() + ".pare-tmp-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    throw Error(kExitFailure, errno_message("cannot create a work directory in " + parent.string(), errno));
  path_ = buf.data();
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace pare
