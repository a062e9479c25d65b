// One entry of paths/missing/processes/unbacked as manifest text, written
// straight from the model: the text nlohmann's dump(2) prints for
// entry_json(e) nested in its section (members at 6 spaces), without
// building that json value (10^5 of them were most of a big write).
#pragma once

#include <string>

#include "manifest/manifest.h"

namespace pare {

void append_entry(std::string& out, const PathEntry& e);
void append_entry(std::string& out, const MissingEntry& e);
void append_entry(std::string& out, const ProcessEntry& e);
void append_entry(std::string& out, const UnbackedEntry& e);

}  // namespace pare
