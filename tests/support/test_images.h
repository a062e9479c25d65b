// The fat Debian test images (tools/images/make-image, cached by tools/test)
// and OCI bundles over them for container tests.
#pragma once

#include <string>
#include <vector>

#include "container/bundle.h"
#include "slim/overlay.h"

namespace test {

// tools/images: make-image, the traffic scripts.
std::string images_dir();

// The cached rootfs of test image NAME; REQUIREs that it was built.
std::string image_rootfs(const std::string& name);

// ARGS as root with a plain PATH.
pare::ContainerSpec running(std::vector<std::string> args);

// A bundle running SPEC (its rootfs replaced by a copy-on-write overlay of
// ROOTFS in WORK/ov, so the cached image stays untouched) in WORK/bundle.
struct TestBundle {
  TestBundle(const std::string& rootfs, const std::string& work, pare::ContainerSpec spec);
  pare::OverlayMount overlay;
  std::string dir;
};

}  // namespace test
