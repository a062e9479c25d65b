// read_manifest_file on arbitrary bytes: pare merge/diff/build read manifests
// users hand them, so bad input must end in pare::Error. A manifest that is
// accepted must also survive a round trip: written out (manifest_to_string)
// and read back, it gives the same text, which is also what nlohmann's dump
// of manifest_to_json prints. Anything pare accepts it must be able to
// write, and anything it writes it must be able to read.
#include "manifest/manifest.h"
#include "support.h"

namespace {

void round_trip(const pare::Manifest& m) {
  std::string first;
  fuzz::expect_only_errors("manifest_to_string of an accepted manifest", [&] { first = pare::manifest_to_string(m); });
  if (first.empty()) fuzz::finding("an accepted manifest could not be written back");
  // The streamed writer must print what nlohmann's dump of the DOM prints.
  std::string dom;
  fuzz::expect_only_errors("manifest_to_json of an accepted manifest", [&] { dom = pare::manifest_to_json(m).dump(2) + "\n"; });
  if (first != dom) fuzz::finding("streamed manifest text differs from the DOM's dump:\n" + first + "---\n" + dom);
  std::string second;
  try {
    second = pare::manifest_to_string(pare::manifest_from_json(nlohmann::json::parse(first), "round trip"));
  } catch (const std::exception& e) {
    fuzz::finding(std::string("pare cannot read back a manifest it wrote: ") + e.what() + "\n" + first);
  }
  if (first != second) fuzz::finding("manifest round trip changed the text:\n" + first + "---\n" + second);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::setup();
  static const std::string path = fuzz::scratch() + "/manifest.json";
  fuzz::write_file(path, fuzz::as_text(data, size));
  fuzz::expect_only_errors("read_manifest_file", [&] { round_trip(pare::read_manifest_file(path)); });
  return 0;
}
