#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/json_input.h"
#include "common/name_encoding.h"
#include "common/path_limits.h"
#include "manifest/manifest.h"

namespace pare {

using nlohmann::json;

namespace {

// Every string pare writes goes through encode_name (common/name_encoding.h):
// names are bytes, JSON is UTF-8, and the mapping must lose nothing.
json text(const std::string& s) { return encode_name(s); }

json first_seen(uint32_t pid, const std::string& comm) { return {{"pid", pid}, {"comm", text(comm)}}; }

json strings(const std::set<std::string>& s) {
  json a = json::array();
  for (auto& v : s) a.push_back(text(v));
  return a;
}

json strings(const std::vector<std::string>& s) {
  json a = json::array();
  for (auto& v : s) a.push_back(text(v));
  return a;
}

// Field access that explains itself when the input is wrong.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw Error(kExitBadInput, "manifest " + source_ + ": " + where + ": " + what);
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
  // A path key: decoded, absolute, within PATH_MAX/NAME_MAX, no NUL.
  std::string path_key(const std::string& key, const char* section) const {
    std::string why;
    auto bytes = decode_name(key, &why);
    std::string where = std::string(section) + " \"" + printable_name(key.substr(0, 200)) + "\"";
    if (!bytes) fail(where, why);
    if (auto problem = path_problem(*bytes)) fail(where, "key " + *problem);
    return *bytes;
  }
  std::set<std::string> str_set(const json& v, const std::string& where) const {
    if (!v.is_array()) fail(where, "expected an array of strings");
    std::set<std::string> out;
    for (auto& e : v) out.insert(str(e, where));
    return out;
  }
  template <class F>
  void first(const json& obj, const std::string& where, F&& set) const {
    auto it = obj.find("first");
    if (it == obj.end()) return;
    set(static_cast<uint32_t>(ranged(member(*it, where + ".first", "pid"), where + ".first.pid", 0, UINT32_MAX)),
        str(member(*it, where + ".first", "comm"), where + ".first.comm"));
  }
  template <class F>
  void each(const json& obj, const char* key, F&& f) const {
    auto it = obj.find(key);
    if (it == obj.end()) return;
    if (!it->is_object()) fail(key, "expected an object keyed by path");
    for (auto& [k, v] : it->items()) {
      std::string path = path_key(k, key);
      std::string where = std::string(key) + " \"" + printable_name(path).substr(0, 200) + "\"";
      if (!v.is_object()) fail(where, "expected an object");
      f(path, v, where);
    }
  }

 private:
  std::string source_;
};

}  // namespace

json manifest_to_json(const Manifest& m) {
  json j;
  j["schema_version"] = m.schema_version;
  j["tool"] = {{"name", "pare"}, {"version", text(m.tool_version)}};
  json target = {{"root", text(m.target.root)}};
  if (!m.target.command.empty()) target["command"] = strings(m.target.command);
  if (m.target.pid) target["pid"] = *m.target.pid;
  if (m.target.exit_status) target["exit_status"] = *m.target.exit_status;
  if (m.target.lang) target["lang"] = text(*m.target.lang);
  j["target"] = target;
  j["started_at"] = text(m.started_at);
  j["ended_at"] = text(m.ended_at);
  j["complete"] = m.complete;
  j["incomplete_reasons"] = strings(m.incomplete_reasons);
  json drops = json::object();
  for (auto& [reason, n] : m.drops) drops[encode_name(reason)] = n;
  j["drops"] = drops;
  j["truncated"] = m.truncated;
  j["blind_spots"] = strings(m.blind_spots);
  json paths = json::object();
  for (auto& [p, e] : m.paths) {
    json o = {{"type", text(e.type)}, {"kinds", strings(e.kinds)}, {"why", strings(e.why)}, {"count", e.count}};
    if (e.target) o["target"] = text(*e.target);
    if (e.pseudo) o["pseudo"] = true;
    if (e.created) o["created"] = true;
    if (e.first_pid) o["first"] = first_seen(e.first_pid, e.first_comm);
    paths[encode_name(p)] = o;
  }
  j["paths"] = paths;
  json missing = json::object();
  for (auto& [p, e] : m.missing) {
    json o = {{"kinds", strings(e.kinds)}, {"errors", strings(e.errors)}, {"count", e.count}};
    if (e.first_pid) o["first"] = first_seen(e.first_pid, e.first_comm);
    missing[encode_name(p)] = o;
  }
  j["missing"] = missing;
  json procs = json::object();
  for (auto& [p, e] : m.processes) {
    json o = {{"execs", e.execs}, {"scripts", strings(e.scripts)}};
    if (e.first_pid) o["first"] = first_seen(e.first_pid, e.first_comm);
    procs[encode_name(p)] = o;
  }
  j["processes"] = procs;
  json unbacked = json::object();
  for (auto& [p, e] : m.unbacked) {
    json o = {{"kinds", strings(e.kinds)}, {"count", e.count}};
    if (e.first_pid) o["first"] = first_seen(e.first_pid, e.first_comm);
    unbacked[encode_name(p)] = o;
  }
  j["unbacked"] = unbacked;
  if (m.syscalls) j["syscalls"] = strings(*m.syscalls);
  return j;
}

Manifest manifest_from_json(const json& j, const std::string& source) {
  Reader r(source);
  Manifest m;
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
  r.each(j, "paths", [&](const std::string& p, const json& v, const std::string& w) {
    PathEntry e;
    e.type = r.str(r.member(v, w, "type"), w + ".type");
    e.kinds = r.str_set(r.member(v, w, "kinds"), w + ".kinds");
    if (auto it = v.find("why"); it != v.end()) e.why = r.str_set(*it, w + ".why");
    if (auto it = v.find("target"); it != v.end()) e.target = r.str(*it, w + ".target");
    if (auto it = v.find("pseudo"); it != v.end()) {
      if (!it->is_boolean()) r.fail(w + ".pseudo", "expected true or false");
      e.pseudo = it->get<bool>();
    }
    if (auto it = v.find("created"); it != v.end()) {
      if (!it->is_boolean()) r.fail(w + ".created", "expected true or false");
      e.created = it->get<bool>();
    }
    if (auto it = v.find("count"); it != v.end()) e.count = r.uint(*it, w + ".count");
    r.first(v, w, [&](uint32_t pid, std::string comm) { e.first_pid = pid; e.first_comm = std::move(comm); });
    m.paths[p] = std::move(e);
  });
  r.each(j, "missing", [&](const std::string& p, const json& v, const std::string& w) {
    MissingEntry e;
    e.kinds = r.str_set(r.member(v, w, "kinds"), w + ".kinds");
    e.errors = r.str_set(r.member(v, w, "errors"), w + ".errors");
    if (auto it = v.find("count"); it != v.end()) e.count = r.uint(*it, w + ".count");
    r.first(v, w, [&](uint32_t pid, std::string comm) { e.first_pid = pid; e.first_comm = std::move(comm); });
    m.missing[p] = std::move(e);
  });
  r.each(j, "processes", [&](const std::string& p, const json& v, const std::string& w) {
    ProcessEntry e;
    e.execs = r.uint(r.member(v, w, "execs"), w + ".execs");
    if (auto it = v.find("scripts"); it != v.end()) e.scripts = r.str_set(*it, w + ".scripts");
    r.first(v, w, [&](uint32_t pid, std::string comm) { e.first_pid = pid; e.first_comm = std::move(comm); });
    m.processes[p] = std::move(e);
  });
  if (auto it = j.find("unbacked"); it != j.end()) {
    if (!it->is_object()) r.fail("unbacked", "expected an object");
    for (auto& [key, v] : it->items()) {
      std::string k = r.str(key, "unbacked");
      std::string w = "unbacked \"" + printable_name(k).substr(0, 200) + "\"";
      UnbackedEntry e;
      e.kinds = r.str_set(r.member(v, w, "kinds"), w + ".kinds");
      if (auto c = v.find("count"); c != v.end()) e.count = r.uint(*c, w + ".count");
      r.first(v, w, [&](uint32_t pid, std::string comm) { e.first_pid = pid; e.first_comm = std::move(comm); });
      m.unbacked[k] = std::move(e);
    }
  }
  if (auto it = j.find("syscalls"); it != j.end()) m.syscalls = r.str_set(*it, "syscalls");
  return m;
}

Manifest read_manifest_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(kExitBadInput, errno_message("cannot read manifest " + path, errno));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error(kExitBadInput, errno_message("cannot read manifest " + path, errno));
  return manifest_from_json(parse_json_limited(ss.str(), "manifest " + path), path);
}

std::string manifest_to_string(const Manifest& m) { return manifest_to_json(m).dump(2) + "\n"; }

}  // namespace pare
