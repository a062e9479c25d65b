// unpack_image on an oci-archive: the input bytes are the tar file. The outer
// tar (names, types, duplicates, links where blobs should be), index.json, the
// manifests and the config are all untrusted; past them the layers are applied
// as in layer_fuzz.cpp. Nothing outside DEST may change and the scratch copy
// of the layout must be gone afterwards (image_sandbox.h).
#include "image/image_source.h"
#include "image_sandbox.h"
#include "support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::setup();
  fuzz::ImageSandbox box;
  fuzz::write_file(box.input(), fuzz::as_text(data, size));
  // The oci-archive: prefix: read as one even when the bytes say otherwise.
  fuzz::expect_only_errors("unpack_image (oci-archive)", [&] { pare::unpack_image("oci-archive:" + box.input(), box.dest()); });
  box.check("unpack_image (oci-archive)");
  return 0;
}
