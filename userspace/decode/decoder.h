// Ring-buffer bytes -> Event. Every length is checked against the record and
// the buffer, so a short, oversized or inconsistent record is rejected with a
// reason instead of being read past its end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "decode/event.h"

namespace pare {

struct DecodeError {
  std::string reason;
};

std::variant<Event, DecodeError> decode_event(const void* data, size_t size);

}  // namespace pare
