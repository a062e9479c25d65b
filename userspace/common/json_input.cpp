#include "common/json_input.h"

namespace pare {

using nlohmann::json;

json parse_json_limited(const std::string& text, const std::string& what, ExitCode code) {
  bool too_deep = false;
  // The callback sees the depth before a container is built; returning false
  // there discards it, and we stop caring about anything that follows.
  json::parser_callback_t limit = [&](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth)
      too_deep = true;
    return !too_deep;
  };
  json j;
  try {
    j = json::parse(text, limit, true);
  } catch (const json::parse_error& e) {
    // e.byte is where the parser gave up.
    throw Error(code, what + ": not valid JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const json::exception& e) {
    // A number too large for any JSON number type (1e400) is out_of_range, not a parse error.
    throw Error(code, what + ": not usable JSON (" + std::string(e.what()).substr(0, 120) + ")");
  }
  if (too_deep)
    throw Error(code, what + ": nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (refused)");
  return j;
}

}  // namespace pare
