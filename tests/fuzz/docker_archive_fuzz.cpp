// unpack_image on a `docker save` tar: the input bytes are the archive file.
// The outer tar, manifest.json, the tar's own symlinks between layer names and
// the config are all untrusted; past them the layers are applied as in
// layer_fuzz.cpp. Nothing outside DEST may change and the scratch copy of the
// layers must be gone afterwards (image_sandbox.h).
#include "image/image_source.h"
#include "image_sandbox.h"
#include "support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::setup();
  fuzz::ImageSandbox box;
  fuzz::write_file(box.input(), fuzz::as_text(data, size));
  fuzz::expect_only_errors("unpack_image (docker archive)", [&] { pare::unpack_image(box.input(), box.dest()); });
  box.check("unpack_image (docker archive)");
  return 0;
}
