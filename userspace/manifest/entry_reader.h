// Reads one entry of paths/missing/processes/unbacked from parse events,
// straight into the model: no json value is built per entry (at 10^5 entries
// that DOM was most of the time and memory of reading a manifest). Checks
// and messages are those of the DOM reader it replaced: the first problem,
// named by section, entry and field.
#pragma once

#include <cstdint>
#include <string>

#include "manifest/manifest.h"
#include "manifest/manifest_sections.h"

namespace pare {

// Throws Error(kExitBadInput, "manifest SOURCE: WHERE: WHAT").
[[noreturn]] void manifest_problem(const std::string& source, const std::string& where, const std::string& what);

class EntryReader {
 public:
  explicit EntryReader(const std::string& source) : source_(source) {}

  // A new entry named by KEY (as written in the JSON): decoded and checked now.
  void begin(Section section, std::string& key);
  // The events of the entry's value. Each returns true when the value is
  // complete (it is then checked and ready for store).
  bool scalar_string(std::string& s);
  bool scalar_unsigned(uint64_t n);
  bool scalar_integer(int64_t n);
  bool scalar_other();  // null, a fraction, binary
  bool scalar_bool(bool b);
  void key(std::string& k);
  bool start(bool object);
  bool end();
  // Moves the finished entry into M (a later entry of the same name wins).
  void store(Manifest& m);

 private:
  // Where a value goes. kIgnored: a member the schema does not name (skipped, as before).
  enum class Field : uint8_t { kIgnored, kType, kKinds, kWhy, kTarget, kPseudo, kCreated, kCount, kExecs, kErrors,
                               kScripts, kFirst, kPid, kComm };
  [[noreturn]] void fail(const std::string& where_suffix, const std::string& what) const;
  [[noreturn]] void wrong_type() const;  // field_'s value has the wrong JSON type
  std::string field_where() const;
  Field member_field(const std::string& k) const;
  std::string decoded(std::string& s, const std::string& where_suffix) const;
  std::set<std::string>* set_of(Field f);

  const std::string& source_;
  Section section_ = Section::kPaths;
  std::string name_;       // decoded key
  PathEntry path_;         // the one of the four being read
  MissingEntry missing_;
  ProcessEntry process_;
  UnbackedEntry unbacked_;
  int level_ = 0;          // 0: before the value; 1: in the entry object; 2: in a member's array or "first"
  int skip_ = 0;           // nesting inside an ignored member's value
  Field field_ = Field::kIgnored;        // the member at level 1 whose value comes next
  Field first_field_ = Field::kIgnored;  // likewise inside "first"
  std::set<std::string>* filling_ = nullptr;  // the set an array at level 2 fills
  bool in_first_ = false;
  bool have_pid_ = false, have_comm_ = false;
  uint32_t pid_ = 0;
  std::string comm_;
  uint32_t seen_ = 0;  // bit per Field met at level 1: required members are checked at the end
};

}  // namespace pare
