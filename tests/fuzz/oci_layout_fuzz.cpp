// unpack_image on an OCI image layout made from the input (format in
// oci_input.h: the harness fills in digests so the fuzzer gets past them to
// the index, manifest, config and layers). Nothing outside DEST may change
// (image_sandbox.h); bad layouts must end in pare::Error.
#include "image/image_source.h"
#include "image_sandbox.h"
#include "oci_input.h"
#include "support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::setup();
  fuzz::ImageSandbox box;
  std::string source = fuzz::write_oci_layout(fuzz::as_text(data, size), box.input());
  fuzz::expect_only_errors("unpack_image (OCI layout)", [&] { pare::unpack_image(source, box.dest()); });
  box.check("unpack_image (OCI layout)");
  return 0;
}
