#include "manifest/manifest_header.h"

#include "common/error.h"
#include "common/name_encoding.h"
#include "manifest/entry_reader.h"

namespace pare {

using nlohmann::json;

namespace {

// Field access that explains itself when the input is wrong.
class Reader {
 public:
  explicit Reader(const std::string& source) : source_(source) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    manifest_problem(source_, where, what);
  }
  const json& member(const json& obj, const std::string& where, const char* key) const {
    if (!obj.is_object()) fail(where, "expected an object");
    auto it = obj.find(key);
    if (it == obj.end()) fail(where, std::string("missing \"") + key + "\"");
    return *it;
  }
  std::string str(const json& v, const std::string& where) const {
    if (!v.is_string()) fail(where, "expected a string");
    std::string why;
    auto bytes = decode_name(v.get_ref<const std::string&>(), &why);
    if (!bytes) fail(where, why);
    return *bytes;
  }
  uint64_t uint(const json& v, const std::string& where) const {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
      fail(where, "expected a non-negative integer");
    return v.get<uint64_t>();
  }
  // An integer in [LO, HI]; anything else (fractions, 2^40 for an int) is refused, never truncated.
  int64_t ranged(const json& v, const std::string& where, int64_t lo, int64_t hi) const {
    bool ok = v.is_number_integer() && !(v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(hi));
    if (ok) {
      int64_t n = v.get<int64_t>();
      ok = n >= lo && n <= hi;
    }
    if (!ok) fail(where, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    return v.get<int64_t>();
  }
  std::set<std::string> str_set(const json& v, const std::string& where) const {
    if (!v.is_array()) fail(where, "expected an array of strings");
    std::set<std::string> out;
    for (auto& e : v) out.insert(str(e, where));
    return out;
  }

 private:
  const std::string& source_;
};

}  // namespace

void read_manifest_header(const json& j, const std::string& source, Manifest& m) {
  Reader r(source);
  if (!j.is_object()) r.fail("top level", "expected a JSON object");
  const json& version = r.member(j, "top level", "schema_version");
  if (version != 1) r.fail("schema_version", "version " + version.dump().substr(0, 40) + " is not supported (expected 1)");
  m.schema_version = 1;
  const json& tool = r.member(j, "top level", "tool");
  m.tool_version = r.str(r.member(tool, "tool", "version"), "tool.version");
  const json& target = r.member(j, "top level", "target");
  m.target.root = r.str(r.member(target, "target", "root"), "target.root");
  if (auto it = target.find("command"); it != target.end()) {
    if (!it->is_array()) r.fail("target.command", "expected an array of strings");
    for (auto& a : *it) m.target.command.push_back(r.str(a, "target.command"));
  }
  // Linux pids stop at PID_MAX_LIMIT (2^22); exit statuses are 0-255 (128+N for signal N).
  if (auto it = target.find("pid"); it != target.end()) m.target.pid = static_cast<int>(r.ranged(*it, "target.pid", 1, 1 << 22));
  if (auto it = target.find("lang"); it != target.end()) m.target.lang = r.str(*it, "target.lang");
  if (auto it = target.find("exit_status"); it != target.end()) {
    m.target.exit_status = static_cast<int>(r.ranged(*it, "target.exit_status", 0, 255));
  }
  m.started_at = r.str(r.member(j, "top level", "started_at"), "started_at");
  m.ended_at = r.str(r.member(j, "top level", "ended_at"), "ended_at");
  const json& complete = r.member(j, "top level", "complete");
  if (!complete.is_boolean()) r.fail("complete", "expected true or false");
  m.complete = complete.get<bool>();
  if (auto it = j.find("incomplete_reasons"); it != j.end()) {
    if (!it->is_array()) r.fail("incomplete_reasons", "expected an array of strings");
    for (auto& s : *it) m.incomplete_reasons.push_back(r.str(s, "incomplete_reasons"));
  }
  if (auto it = j.find("drops"); it != j.end()) {
    if (!it->is_object()) r.fail("drops", "expected an object");
    for (auto& [k, v] : it->items()) m.drops[r.str(k, "drops")] = r.uint(v, "drops." + k.substr(0, 100));
  }
  if (auto it = j.find("truncated"); it != j.end()) m.truncated = r.uint(*it, "truncated");
  if (auto it = j.find("blind_spots"); it != j.end()) {
    if (!it->is_array()) r.fail("blind_spots", "expected an array of strings");
    for (auto& s : *it) m.blind_spots.push_back(r.str(s, "blind_spots"));
  }
  if (auto it = j.find("syscalls"); it != j.end()) m.syscalls = r.str_set(*it, "syscalls");
}

}  // namespace pare
