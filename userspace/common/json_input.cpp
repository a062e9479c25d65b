#include "common/json_input.h"

namespace pare {

using nlohmann::json;

namespace {

// A first pass that builds nothing and only counts nesting: it stops at the
// first container deeper than the limit. (nlohmann's callback parser would do
// this in one pass, but it rescans every object's members each time a member
// object ends: quadratic on a manifest with 10^5 paths.)
class DepthCheck : public json::json_sax_t {
 public:
  bool too_deep = false;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool key(string_t&) override { return true; }
  bool start_object(std::size_t) override { return enter(); }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override { return leave(); }
  // Malformed input: the real parse below reports it with its position.
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool enter() {
    if (++depth_ <= kMaxJsonDepth) return true;
    too_deep = true;
    return false;
  }
  bool leave() {
    --depth_;
    return true;
  }
  int depth_ = 0;
};

}  // namespace

void json_error(const json::exception& e, const std::string& what, ExitCode code) {
  // e.byte is where the parser gave up.
  if (auto* parse = dynamic_cast<const json::parse_error*>(&e))
    throw Error(code, what + ": not valid JSON (at byte " + std::to_string(parse->byte) + ")");
  // A number too large for any JSON number type (1e400) is out_of_range, not a parse error.
  throw Error(code, what + ": not usable JSON (" + std::string(e.what()).substr(0, 120) + ")");
}

void json_too_deep(const std::string& what, ExitCode code) {
  throw Error(code, what + ": nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (refused)");
}

json parse_json_limited(const std::string& text, const std::string& what, ExitCode code) {
  DepthCheck depth;
  try {
    json::sax_parse(text, &depth);
  } catch (const json::exception&) {
    // Reported by the parse below, which sees the same input.
  }
  if (depth.too_deep) json_too_deep(what, code);
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    json_error(e, what, code);
  }
}

}  // namespace pare
