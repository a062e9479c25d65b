// apply_layer on raw layer bytes (a tar, plain or compressed) over a rootfs
// that a hostile lower layer already planted links in: to the canary outside
// via "../../../outside", via an absolute host path, and up the tree (never
// to the host's "/": a bug found here must not be able to write there). A layer
// that applies cleanly is applied a second time over its own result, the way
// images repeat paths across layers. Nothing outside DEST may change
// (image_sandbox.h); bad layers must end in pare::Error.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "image/layer_apply.h"
#include "image_sandbox.h"
#include "support.h"

namespace {

void plant_lower_layer(const fuzz::ImageSandbox& box) {
  const std::string d = box.dest();
  std::filesystem::create_directories(d + "/d/sub");
  fuzz::write_file(d + "/d/f", "lower\n");
  std::filesystem::create_symlink("../../../outside", d + "/esc");
  std::filesystem::create_symlink(box.outside(), d + "/abs");
  std::filesystem::create_symlink("../..", d + "/d/up");
  std::filesystem::create_symlink("../../../../../outside/canary", d + "/d/sub/canary");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::setup();
  fuzz::ImageSandbox box;
  fuzz::write_file(box.input(), fuzz::as_text(data, size));
  plant_lower_layer(box);
  int root = open(box.dest().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) fuzz::finding("harness: cannot open " + box.dest());
  bool applied = false;
  fuzz::expect_only_errors("apply_layer", [&] {
    pare::apply_layer(box.input(), root, "fuzz layer");
    applied = true;
  });
  box.check("apply_layer");
  if (applied) {
    fuzz::expect_only_errors("apply_layer (second time)", [&] { pare::apply_layer(box.input(), root, "fuzz layer"); });
    box.check("apply_layer (second time)");
  }
  close(root);
  return 0;
}
