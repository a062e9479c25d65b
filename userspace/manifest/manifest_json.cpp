#include <algorithm>
#include <vector>

#include "common/json_text.h"
#include "common/name_encoding.h"
#include "manifest/entry_text.h"
#include "manifest/manifest.h"
#include "manifest/manifest_sections.h"

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
  // JSON objects are ordered by their encoded keys, and the map by the raw
  // bytes. Plain UTF-8 names encode to themselves, so the map's order is
  // right for them; the few others (encoded with a leading NUL) are sorted
  // apart and merged in where their encoded key goes.
  using Entry = typename Map::value_type;
  std::vector<std::pair<std::string, const Entry*>> encoded;
  for (auto& kv : entries)
    if (!is_valid_utf8(kv.first) || (!kv.first.empty() && kv.first[0] == '\0')) encoded.emplace_back(encode_name(kv.first), &kv);
  std::sort(encoded.begin(), encoded.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::string out = entries.empty() ? "{}" : "{";
  bool first = true;
  auto write = [&](const std::string& key, const Entry& e) {
    out += first ? "\n    " : ",\n    ";
    first = false;
    append_json_string(out, key);
    out += ": ";
    append_entry(out, e.second);
    if (out.size() >= 64 * 1024) {
      sink(out);
      out.clear();
    }
  };
  auto next = encoded.begin();
  for (auto& kv : entries) {
    bool plain = is_valid_utf8(kv.first) && (kv.first.empty() || kv.first[0] != '\0');
    if (!plain) continue;  // written from ENCODED, in its place
    for (; next != encoded.end() && next->first < kv.first; ++next) write(next->first, *next->second);
    write(kv.first, kv);
  }
  for (; next != encoded.end(); ++next) write(next->first, *next->second);
  if (!entries.empty()) out += "\n  }";
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
