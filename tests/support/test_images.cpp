#include "support/test_images.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "support/run_pare.h"

namespace fs = std::filesystem;

namespace test {

std::string images_dir() { return std::string(PARE_SOURCE_DIR) + "/tools/images"; }

std::string image_rootfs(const std::string& name) {
  auto r = run({images_dir() + "/make-image", "--check", name});
  INFO("test image " << name << " is not built: run tools/images/make-image " << name << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
  std::string path = r.out.substr(0, r.out.find('\n'));
  REQUIRE(fs::is_directory(path));
  return path;
}

TestBundle::TestBundle(const std::string& rootfs, const std::string& work, pare::ContainerSpec spec)
    : overlay(rootfs, work + "/ov") {
  spec.rootfs = overlay.merged();
  dir = work + "/bundle";
  pare::write_bundle(dir, spec);
}

pare::ContainerSpec running(std::vector<std::string> args) {
  pare::ContainerSpec spec;
  spec.args = std::move(args);
  spec.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  return spec;
}

}  // namespace test
