// Ring-buffer records: decode_event must reject any byte string it cannot
// decode with a DecodeError (never read past the buffer), and whatever it
// accepts must also make a --events JSON line (comm and paths are arbitrary
// bytes from the kernel, so the JSON encoding must cope with invalid UTF-8).
#include <cstring>
#include <memory>

#include "decode/decoder.h"
#include "decode/event_json.h"
#include "support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::setup();
  // An exact-size heap copy, so ASan sees any read past the record's end.
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size ? size : 1]);
  if (size) std::memcpy(copy.get(), data, size);
  auto result = pare::decode_event(copy.get(), size);
  if (auto* ev = std::get_if<pare::Event>(&result)) {
    if (size < sizeof(pare_event) || size > PARE_EVENT_MAX) fuzz::finding("decoded a record of impossible size");
    fuzz::expect_only_errors("event_to_json", [&] { (void)pare::event_to_json(*ev).dump(); });
  } else if (std::get<pare::DecodeError>(result).reason.empty()) {
    fuzz::finding("DecodeError without a reason");
  }
  return 0;
}
