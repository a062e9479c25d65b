// Reading a manifest: one pass of parse events (nlohmann's SAX parser over
// the file, streamed; or a walk over a json value already parsed) drives one
// reader. Entries go straight into the model (entry_reader.h); the small
// rest is kept as a json value and checked at the end (manifest_header.h).
// Memory is the model plus one entry: no text copy of the file, no DOM.
#include <fstream>
#include <vector>

#include "common/error.h"
#include "common/json_input.h"
#include "manifest/entry_reader.h"
#include "manifest/manifest.h"
#include "manifest/manifest_header.h"
#include "manifest/manifest_sections.h"

namespace pare {

using nlohmann::json;

namespace {

// Builds one json value from parse events (a header member of the manifest).
class ValueBuilder {
 public:
  void begin(json& slot) {
    slot_ = &slot;
    stack_.clear();
  }
  // Each returns true when the value is complete.
  template <class V>
  bool scalar(V&& v) {
    *place() = json(std::forward<V>(v));
    return stack_.empty();
  }
  bool start(bool object) {
    json* at = place();
    *at = object ? json::object() : json::array();
    stack_.push_back(at);
    return false;
  }
  bool end() {
    stack_.pop_back();
    return stack_.empty();
  }
  void key(std::string& k) { key_ = std::move(k); }

 private:
  // Where the next value goes. Only the innermost open container grows, so
  // the pointers to the open ones stay valid.
  json* place() {
    if (stack_.empty()) return slot_;
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(nullptr);
      return &top.back();
    }
    return &top[key_];  // a repeated key replaces the earlier value, as json::parse does
  }
  json* slot_ = nullptr;
  std::vector<json*> stack_;
  std::string key_;
};

// nlohmann's SAX interface (json::sax_parse checks it at compile time).
class ManifestSax {
 public:
  explicit ManifestSax(const std::string& source) : source_(source), entry_(source_) {}

  Manifest finish() {
    if (at_ != At::kDone) manifest_problem(source_, "top level", "expected a JSON object");  // unreachable from a parse
    read_manifest_header(header_, source_, m_);
    return std::move(m_);
  }

  bool null() { return scalar(nullptr); }
  bool boolean(bool b) { return scalar(b); }
  bool number_integer(json::number_integer_t n) { return scalar(n); }
  bool number_unsigned(json::number_unsigned_t n) { return scalar(n); }
  bool number_float(json::number_float_t x, const json::string_t&) { return scalar(x); }
  bool string(json::string_t& s) { return scalar(s); }
  bool binary(json::binary_t&) { return scalar(nullptr); }  // never in JSON text
  bool start_object(std::size_t) { return start(true); }
  bool start_array(std::size_t) { return start(false); }
  bool end_object() { return end(); }
  bool end_array() { return end(); }
  bool key(json::string_t& k) {
    switch (at_) {
      case At::kTop:
        if (auto s = section_named(k)) {
          section_ = *s;
          at_ = At::kSectionValue;
        } else {
          value_.begin(header_[k]);  // a repeated member replaces the earlier one, as json::parse does
          at_ = At::kHeaderValue;
        }
        break;
      case At::kSection:
        entry_.begin(section_, k);
        at_ = At::kEntry;
        break;
      case At::kHeaderValue: value_.key(k); break;
      case At::kEntry: entry_.key(k); break;
      default: break;  // the parser sends keys in objects only
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const json::exception& e) {
    json_error(e, "manifest " + source_, kExitBadInput);
  }

 private:
  // kTop: in the top-level object, between members. kSectionValue: after the
  // key of paths/missing/processes/unbacked. kSection: in one, between entries.
  enum class At { kDocument, kTop, kHeaderValue, kSectionValue, kSection, kEntry, kDone };

  template <class V>
  bool scalar(V&& v) {
    switch (at_) {
      case At::kHeaderValue:
        if (value_.scalar(std::forward<V>(v))) at_ = At::kTop;
        break;
      case At::kEntry: {
        bool done;
        using T = std::decay_t<V>;
        if constexpr (std::is_same_v<T, std::string>) done = entry_.scalar_string(v);
        else if constexpr (std::is_same_v<T, bool>) done = entry_.scalar_bool(v);
        else if constexpr (std::is_same_v<T, json::number_unsigned_t>) done = entry_.scalar_unsigned(v);
        else if constexpr (std::is_same_v<T, json::number_integer_t>) done = entry_.scalar_integer(v);
        else done = entry_.scalar_other();
        if (done) stored();
        break;
      }
      case At::kSectionValue: not_a_section();
      default: manifest_problem(source_, "top level", "expected a JSON object");
    }
    return true;
  }

  bool start(bool object) {
    // Checked before anything is built: the input never sets how deep anything nests.
    if (++depth_ > kMaxJsonDepth) json_too_deep("manifest " + source_, kExitBadInput);
    switch (at_) {
      case At::kDocument:
        if (!object) manifest_problem(source_, "top level", "expected a JSON object");
        at_ = At::kTop;
        break;
      case At::kHeaderValue: value_.start(object); break;
      case At::kSectionValue:
        if (!object) not_a_section();
        at_ = At::kSection;
        break;
      case At::kEntry: entry_.start(object); break;
      default: break;  // kTop, kSection, kDone: the parser sends a key or an end first
    }
    return true;
  }

  bool end() {
    --depth_;
    switch (at_) {
      case At::kTop: at_ = At::kDone; break;
      case At::kHeaderValue:
        if (value_.end()) at_ = At::kTop;
        break;
      case At::kSection: at_ = At::kTop; break;
      case At::kEntry:
        if (entry_.end()) stored();
        break;
      default: break;
    }
    return true;
  }

  void stored() {
    entry_.store(m_);
    at_ = At::kSection;
  }

  [[noreturn]] void not_a_section() const {
    manifest_problem(source_, section_name(section_),
                     section_ == Section::kUnbacked ? "expected an object" : "expected an object keyed by path");
  }

  const std::string source_;
  EntryReader entry_;
  ValueBuilder value_;
  At at_ = At::kDocument;
  Section section_ = Section::kPaths;
  int depth_ = 0;
  json header_ = json::object();
  Manifest m_;
};

// A json value already in memory, as parse events. The reader refuses
// anything nested deeper than kMaxJsonDepth, so the recursion stops there.
void walk(const json& v, ManifestSax& sax) {
  switch (v.type()) {
    case json::value_t::object:
      sax.start_object(v.size());
      for (auto it = v.begin(); it != v.end(); ++it) {
        std::string k = it.key();
        sax.key(k);
        walk(it.value(), sax);
      }
      sax.end_object();
      break;
    case json::value_t::array:
      sax.start_array(v.size());
      for (auto& e : v) walk(e, sax);
      sax.end_array();
      break;
    case json::value_t::string: {
      std::string s = v.get_ref<const std::string&>();
      sax.string(s);
      break;
    }
    case json::value_t::boolean: sax.boolean(v.get<bool>()); break;
    case json::value_t::number_integer: sax.number_integer(v.get<json::number_integer_t>()); break;
    case json::value_t::number_unsigned: sax.number_unsigned(v.get<json::number_unsigned_t>()); break;
    case json::value_t::number_float: sax.number_float(v.get<json::number_float_t>(), ""); break;
    case json::value_t::binary:
    case json::value_t::null:
    case json::value_t::discarded: sax.null(); break;
  }
}

}  // namespace

Manifest manifest_from_json(const json& j, const std::string& source) {
  ManifestSax sax(source);
  walk(j, sax);
  return sax.finish();
}

Manifest read_manifest_file(const std::string& path) {
  // Parsed straight from the file through a 256 KiB buffer: the text is
  // never held whole (it was 18 MB of a 10^5-entry manifest's peak).
  std::vector<char> buffer(256 * 1024);
  std::ifstream in;
  in.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  in.open(path, std::ios::binary);
  if (!in) throw Error(kExitBadInput, errno_message("cannot read manifest " + path, errno));
  ManifestSax sax(path);
  try {
    json::sax_parse(in, &sax);
  } catch (const std::ios_base::failure&) {
    // filebuf throws on a read error (EISDIR, EIO) in the middle of a parse.
    throw Error(kExitBadInput, errno_message("cannot read manifest " + path, errno));
  }
  return sax.finish();
}

}  // namespace pare
