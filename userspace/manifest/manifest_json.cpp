#include <algorithm>
#include <fstream>
#include <optional>
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

 private:
  std::string source_;
};


// The four maps keyed by name; their entries are read one at a time (and,
// from a file, while parsing: see read_manifest_file).
enum class Section { kPaths, kMissing, kProcesses, kUnbacked };
constexpr Section kSections[] = {Section::kPaths, Section::kMissing, Section::kProcesses, Section::kUnbacked};

const char* section_name(Section s) {
  switch (s) {
    case Section::kPaths: return "paths";
    case Section::kMissing: return "missing";
    case Section::kProcesses: return "processes";
    case Section::kUnbacked: return "unbacked";
  }
  return "";
}

std::optional<Section> section_named(const std::string& name) {
  for (Section s : kSections)
    if (name == section_name(s)) return s;
  return std::nullopt;
}

void read_entry(const Reader& r, Manifest& m, Section section, const std::string& key, const json& v) {
  // Unbacked names (memfd:x, pipe:[12]) are not paths; the others are checked as paths.
  std::string name = section == Section::kUnbacked ? r.str(key, "unbacked") : r.path_key(key, section_name(section));
  std::string w = std::string(section_name(section)) + " \"" + printable_name(name).substr(0, 200) + "\"";
  if (!v.is_object()) r.fail(w, "expected an object");
  auto first = [&](uint32_t& pid, std::string& comm) {
    r.first(v, w, [&](uint32_t p, std::string c) {
      pid = p;
      comm = std::move(c);
    });
  };
  switch (section) {
    case Section::kPaths: {
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
      first(e.first_pid, e.first_comm);
      m.paths[name] = std::move(e);
      break;
    }
    case Section::kMissing: {
      MissingEntry e;
      e.kinds = r.str_set(r.member(v, w, "kinds"), w + ".kinds");
      e.errors = r.str_set(r.member(v, w, "errors"), w + ".errors");
      if (auto it = v.find("count"); it != v.end()) e.count = r.uint(*it, w + ".count");
      first(e.first_pid, e.first_comm);
      m.missing[name] = std::move(e);
      break;
    }
    case Section::kProcesses: {
      ProcessEntry e;
      e.execs = r.uint(r.member(v, w, "execs"), w + ".execs");
      if (auto it = v.find("scripts"); it != v.end()) e.scripts = r.str_set(*it, w + ".scripts");
      first(e.first_pid, e.first_comm);
      m.processes[name] = std::move(e);
      break;
    }
    case Section::kUnbacked: {
      UnbackedEntry e;
      e.kinds = r.str_set(r.member(v, w, "kinds"), w + ".kinds");
      if (auto c = v.find("count"); c != v.end()) e.count = r.uint(*c, w + ".count");
      first(e.first_pid, e.first_comm);
      m.unbacked[name] = std::move(e);
      break;
    }
  }
}

}  // namespace

namespace {

json entry_json(const PathEntry& e) {
  json o = {{"type", text(e.type)}, {"kinds", strings(e.kinds)}, {"why", strings(e.why)}, {"count", e.count}};
  if (e.target) o["target"] = text(*e.target);
  if (e.pseudo) o["pseudo"] = true;
  if (e.created) o["created"] = true;
  if (e.first_pid) o["first"] = first_seen(e.first_pid, e.first_comm);
  return o;
}

json entry_json(const MissingEntry& e) {
  json o = {{"kinds", strings(e.kinds)}, {"errors", strings(e.errors)}, {"count", e.count}};
  if (e.first_pid) o["first"] = first_seen(e.first_pid, e.first_comm);
  return o;
}

json entry_json(const ProcessEntry& e) {
  json o = {{"execs", e.execs}, {"scripts", strings(e.scripts)}};
  if (e.first_pid) o["first"] = first_seen(e.first_pid, e.first_comm);
  return o;
}

json entry_json(const UnbackedEntry& e) {
  json o = {{"kinds", strings(e.kinds)}, {"count", e.count}};
  if (e.first_pid) o["first"] = first_seen(e.first_pid, e.first_comm);
  return o;
}

// Everything but the four maps of entries.
json header_json(const Manifest& m) {
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
  for (Section s : kSections) j[section_name(s)] = json::object();
  if (m.syscalls) j["syscalls"] = strings(*m.syscalls);
  return j;
}

template <class Map>
json section_json(const Map& entries) {
  json o = json::object();
  for (auto& [name, e] : entries) o[encode_name(name)] = entry_json(e);
  return o;
}

// One section as dump(2) would print it at depth 1, an entry at a time, in
// chunks of about 64 KiB (a big manifest is never one string in memory).
template <class Map>
void write_section(const Map& entries, const ManifestSink& sink) {
  // JSON objects are ordered by their (encoded) keys, not by the raw bytes.
  std::vector<std::pair<std::string, const typename Map::mapped_type*>> order;
  order.reserve(entries.size());
  for (auto& [name, e] : entries) order.emplace_back(encode_name(name), &e);
  std::sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::string out = order.empty() ? "{}" : "{";
  for (size_t i = 0; i < order.size(); ++i) {
    out += i ? ",\n    " : "\n    ";
    out += json(order[i].first).dump();
    out += ": ";
    std::string value = entry_json(*order[i].second).dump(2);
    for (char c : value) {
      out += c;
      if (c == '\n') out += "    ";
    }
    if (out.size() >= 64 * 1024) {
      sink(out);
      out.clear();
    }
  }
  if (!order.empty()) out += "\n  }";
  sink(out);
}

}  // namespace

json manifest_to_json(const Manifest& m) {
  json j = header_json(m);
  j["paths"] = section_json(m.paths);
  j["missing"] = section_json(m.missing);
  j["processes"] = section_json(m.processes);
  j["unbacked"] = section_json(m.unbacked);
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
  for (Section section : kSections) {
    auto it = j.find(section_name(section));
    if (it == j.end()) continue;
    if (!it->is_object())
      r.fail(section_name(section), section == Section::kUnbacked ? "expected an object" : "expected an object keyed by path");
    for (auto& [key, v] : it->items()) read_entry(r, m, section, key, v);
  }
  if (auto it = j.find("syscalls"); it != j.end()) m.syscalls = r.str_set(*it, "syscalls");
  return m;
}

Manifest read_manifest_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(kExitBadInput, errno_message("cannot read manifest " + path, errno));
  // Read straight into one string sized up front: a stringstream grows by
  // copying and then hands out another copy (three times the file at peak).
  std::string text;
  char chunk[64 * 1024];
  in.seekg(0, std::ios::end);
  if (auto size = in.tellg(); size > 0) text.reserve(static_cast<size_t>(size));  // a FIFO has none: grows as read
  in.seekg(0, std::ios::beg);
  in.clear();
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) text.append(chunk, static_cast<size_t>(in.gcount()));
  if (in.bad()) throw Error(kExitBadInput, errno_message("cannot read manifest " + path, errno));
  // Entries of paths/missing/processes/unbacked are read as each one ends and
  // dropped from the DOM: memory and time stay linear in the manifest's size.
  Reader r(path);
  Manifest entries;
  std::optional<Section> section;  // the top-level member being parsed, when it is an object of entries
  std::string key;
  auto on_event = [&](int depth, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    if (depth == 1 && event == E::key) section = section_named(parsed.get<std::string>());
    if (depth == 1 && event == E::array_start) section.reset();  // not entries: the reader below complains
    if (depth == 2 && event == E::key) key = parsed.get<std::string>();
    if (depth == 2 && event == E::object_end && section) {
      read_entry(r, entries, *section, key, parsed);
      return false;
    }
    return true;
  };
  json rest = parse_json_streaming(text, "manifest " + path, kExitBadInput, on_event);
  std::string().swap(text);
  Manifest m = manifest_from_json(rest, path);
  // The streamed entries win over any left in the rest; nodes move, keys are not copied.
  auto take = [](auto& streamed, auto& into) {
    streamed.merge(into);
    into.swap(streamed);
  };
  take(entries.paths, m.paths);
  take(entries.missing, m.missing);
  take(entries.processes, m.processes);
  take(entries.unbacked, m.unbacked);
  return m;
}

void write_manifest_text(const Manifest& m, const ManifestSink& sink) {
  // The same text as manifest_to_json(m).dump(2), without the whole DOM: the
  // header is dumped with empty sections, and each section is written where
  // its placeholder is. A top-level member prints as `\n  "paths": {}`
  // exactly once (strings cannot hold a raw newline), so the cut is unambiguous.
  std::string header = header_json(m).dump(2);
  struct Cut {
    size_t at;  // where the section's "{}" starts
    Section section;
  };
  std::vector<Cut> cuts;
  for (Section s : kSections) {
    std::string placeholder = std::string("\n  \"") + section_name(s) + "\": {}";
    cuts.push_back({header.find(placeholder) + placeholder.size() - 2, s});
  }
  std::sort(cuts.begin(), cuts.end(), [](const Cut& a, const Cut& b) { return a.at < b.at; });
  size_t from = 0;
  for (const Cut& c : cuts) {
    sink(header.substr(from, c.at - from));
    switch (c.section) {
      case Section::kPaths: write_section(m.paths, sink); break;
      case Section::kMissing: write_section(m.missing, sink); break;
      case Section::kProcesses: write_section(m.processes, sink); break;
      case Section::kUnbacked: write_section(m.unbacked, sink); break;
    }
    from = c.at + 2;
  }
  sink(header.substr(from) + "\n");
}

std::string manifest_to_string(const Manifest& m) {
  std::string out;
  write_manifest_text(m, [&out](const std::string& text) { out += text; });
  return out;
}

}  // namespace pare
