#include "manifest/entry_text.h"

#include <charconv>

#include "common/json_text.h"

namespace pare {

namespace {

// An entry object at depth 2 of the manifest. Members must be added in
// nlohmann's order (its objects are std::maps: keys sorted by bytes).
class EntryObject {
 public:
  explicit EntryObject(std::string& out) : out_(out) {}
  ~EntryObject() { out_ += "\n    }"; }

  void number(const char* key, uint64_t n) {
    member(key);
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    out_.append(digits, end);
  }
  void yes(const char* key) {
    member(key);
    out_ += "true";
  }
  void name(const char* key, const std::string& s) {
    member(key);
    append_json_name(out_, s);
  }
  void names(const char* key, const std::set<std::string>& s) {
    member(key);
    if (s.empty()) {
      out_ += "[]";
      return;
    }
    const char* sep = "[\n        ";
    for (auto& v : s) {
      out_ += sep;
      append_json_name(out_, v);
      sep = ",\n        ";
    }
    out_ += "\n      ]";
  }
  // {"comm": ..., "pid": ...}: written only when a pid was seen (as entry_json does).
  void first(uint32_t pid, const std::string& comm) {
    if (!pid) return;
    member("first");
    out_ += "{\n        \"comm\": ";
    append_json_name(out_, comm);
    out_ += ",\n        \"pid\": ";
    char digits[12];
    auto end = std::to_chars(digits, digits + sizeof digits, pid).ptr;
    out_.append(digits, end);
    out_ += "\n      }";
  }

 private:
  void member(const char* key) {
    out_ += first_ ? "{\n      \"" : ",\n      \"";
    first_ = false;
    out_ += key;
    out_ += "\": ";
  }
  std::string& out_;
  bool first_ = true;
};

}  // namespace

void append_entry(std::string& out, const PathEntry& e) {
  EntryObject o(out);
  o.number("count", e.count);
  if (e.created) o.yes("created");
  o.first(e.first_pid, e.first_comm);
  o.names("kinds", e.kinds);
  if (e.pseudo) o.yes("pseudo");
  if (e.target) o.name("target", *e.target);
  o.name("type", e.type);
  o.names("why", e.why);
}

void append_entry(std::string& out, const MissingEntry& e) {
  EntryObject o(out);
  o.number("count", e.count);
  o.names("errors", e.errors);
  o.first(e.first_pid, e.first_comm);
  o.names("kinds", e.kinds);
}

void append_entry(std::string& out, const ProcessEntry& e) {
  EntryObject o(out);
  o.number("execs", e.execs);
  o.first(e.first_pid, e.first_comm);
  o.names("scripts", e.scripts);
}

void append_entry(std::string& out, const UnbackedEntry& e) {
  EntryObject o(out);
  o.number("count", e.count);
  o.first(e.first_pid, e.first_comm);
  o.names("kinds", e.kinds);
}

}  // namespace pare
