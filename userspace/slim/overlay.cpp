#include "slim/overlay.h"

#include <sys/mount.h>

#include <cerrno>
#include <filesystem>

#include "common/error.h"

namespace pare {

OverlayMount::OverlayMount(const std::string& lower, const std::string& work) {
  namespace fs = std::filesystem;
  for (const char* d : {"upper", "work", "merged"}) fs::create_directories(work + "/" + d);
  merged_ = work + "/merged";
  std::string opts = "lowerdir=" + fs::absolute(lower).string() + ",upperdir=" + work + "/upper,workdir=" + work + "/work";
  if (mount("overlay", merged_.c_str(), "overlay", 0, opts.c_str()) != 0)
    throw Error(kExitEnvironment, errno_message("cannot mount an overlay over " + lower + " (needs root and overlayfs)", errno));
  mounted_ = true;
}

OverlayMount::~OverlayMount() {
  if (mounted_) umount2(merged_.c_str(), MNT_DETACH);
}

}  // namespace pare
