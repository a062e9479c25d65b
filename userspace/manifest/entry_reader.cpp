#include "manifest/entry_reader.h"

#include "common/error.h"
#include "common/name_encoding.h"
#include "common/path_limits.h"

namespace pare {

void manifest_problem(const std::string& source, const std::string& where, const std::string& what) {
  throw Error(kExitBadInput, "manifest " + source + ": " + where + ": " + what);
}

namespace {

constexpr uint32_t bit(int f) { return 1u << f; }

}  // namespace

void EntryReader::fail(const std::string& where_suffix, const std::string& what) const {
  std::string where = std::string(section_name(section_)) + " \"" + printable_name(name_).substr(0, 200) + "\"";
  manifest_problem(source_, where + where_suffix, what);
}

std::string EntryReader::field_where() const {
  Field f = level_ == 2 && in_first_ ? first_field_ : field_;
  switch (f) {
    case Field::kType: return ".type";
    case Field::kKinds: return ".kinds";
    case Field::kWhy: return ".why";
    case Field::kTarget: return ".target";
    case Field::kPseudo: return ".pseudo";
    case Field::kCreated: return ".created";
    case Field::kCount: return ".count";
    case Field::kExecs: return ".execs";
    case Field::kErrors: return ".errors";
    case Field::kScripts: return ".scripts";
    case Field::kFirst: return ".first";
    case Field::kPid: return ".first.pid";
    case Field::kComm: return ".first.comm";
    case Field::kIgnored: break;
  }
  return "";
}

void EntryReader::wrong_type() const {
  Field f = level_ == 2 && in_first_ ? first_field_ : field_;
  switch (f) {
    case Field::kKinds:
    case Field::kWhy:
    case Field::kErrors:
    case Field::kScripts: fail(field_where(), "expected an array of strings");
    case Field::kPseudo:
    case Field::kCreated: fail(field_where(), "expected true or false");
    case Field::kCount:
    case Field::kExecs: fail(field_where(), "expected a non-negative integer");
    case Field::kFirst: fail(field_where(), "expected an object");
    case Field::kPid: fail(field_where(), "expected an integer from 0 to " + std::to_string(UINT32_MAX));
    default: fail(field_where(), "expected a string");
  }
}

EntryReader::Field EntryReader::member_field(const std::string& k) const {
  if (k == "first") return Field::kFirst;
  switch (section_) {
    case Section::kPaths:
      if (k == "type") return Field::kType;
      if (k == "kinds") return Field::kKinds;
      if (k == "why") return Field::kWhy;
      if (k == "target") return Field::kTarget;
      if (k == "pseudo") return Field::kPseudo;
      if (k == "created") return Field::kCreated;
      if (k == "count") return Field::kCount;
      break;
    case Section::kMissing:
      if (k == "kinds") return Field::kKinds;
      if (k == "errors") return Field::kErrors;
      if (k == "count") return Field::kCount;
      break;
    case Section::kProcesses:
      if (k == "execs") return Field::kExecs;
      if (k == "scripts") return Field::kScripts;
      break;
    case Section::kUnbacked:
      if (k == "kinds") return Field::kKinds;
      if (k == "count") return Field::kCount;
      break;
  }
  return Field::kIgnored;
}

std::set<std::string>* EntryReader::set_of(Field f) {
  switch (f) {
    case Field::kKinds:
      return section_ == Section::kPaths     ? &path_.kinds
             : section_ == Section::kMissing ? &missing_.kinds
                                             : &unbacked_.kinds;
    case Field::kWhy: return &path_.why;
    case Field::kErrors: return &missing_.errors;
    case Field::kScripts: return &process_.scripts;
    default: return nullptr;
  }
}

// A JSON string -> name bytes (common/name_encoding.h). Copied, not moved:
// S is the parser's own buffer, which keeps its capacity for the next string
// (moving it out made the parser allocate again for every entry).
std::string EntryReader::decoded(std::string& s, const std::string& where_suffix) const {
  if (s.empty() || s[0] != '\0') {
    if (s.find('\0') != std::string::npos) fail(where_suffix, "contains a NUL byte");
    return s;
  }
  std::string why;
  auto bytes = decode_name(s, &why);
  if (!bytes) fail(where_suffix, why);
  return std::move(*bytes);
}

void EntryReader::begin(Section section, std::string& key) {
  section_ = section;
  level_ = skip_ = 0;
  seen_ = 0;
  in_first_ = false;
  filling_ = nullptr;
  std::string why;
  if (section == Section::kUnbacked) {
    // Unbacked names (memfd:x, pipe:[12]) are not paths.
    auto bytes = decode_name(key, &why);
    if (!bytes) manifest_problem(source_, "unbacked", why);
    name_ = std::move(*bytes);
    unbacked_ = UnbackedEntry();
    return;
  }
  // Messages name the key as written (it may not decode); built only for one.
  auto bad_key = [&](const std::string& what) {
    manifest_problem(source_, std::string(section_name(section)) + " \"" + printable_name(key.substr(0, 200)) + "\"", what);
  };
  auto bytes = decode_name(key, &why);
  if (!bytes) bad_key(why);
  if (auto problem = path_problem(*bytes)) bad_key("key " + *problem);
  name_ = std::move(*bytes);
  switch (section) {
    case Section::kPaths: path_ = PathEntry(); break;
    case Section::kMissing: missing_ = MissingEntry(); break;
    case Section::kProcesses: process_ = ProcessEntry(); break;
    case Section::kUnbacked: break;
  }
}

void EntryReader::key(std::string& k) {
  if (skip_) return;
  if (level_ == 1) {
    field_ = member_field(k);
    if (field_ != Field::kIgnored) seen_ |= bit(static_cast<int>(field_));
  } else if (level_ == 2 && in_first_) {
    first_field_ = k == "pid" ? Field::kPid : k == "comm" ? Field::kComm : Field::kIgnored;
  }
}

bool EntryReader::start(bool object) {
  if (skip_) {
    ++skip_;
    return false;
  }
  if (level_ == 0) {
    if (!object) fail("", "expected an object");
    level_ = 1;
    return false;
  }
  if (level_ == 1) {
    if (field_ == Field::kIgnored) {
      skip_ = 1;
    } else if (object && field_ == Field::kFirst) {
      level_ = 2;
      in_first_ = true;
      have_pid_ = have_comm_ = false;
      first_field_ = Field::kIgnored;
    } else if (!object && (filling_ = set_of(field_))) {
      filling_->clear();  // a repeated member replaces the earlier one, as in a DOM
      level_ = 2;
      in_first_ = false;
    } else {
      wrong_type();
    }
    return false;
  }
  // Level 2: inside "first" only ignored members may nest; an array holds strings only.
  if (in_first_ && first_field_ == Field::kIgnored) {
    skip_ = 1;
    return false;
  }
  if (in_first_) wrong_type();
  fail(field_where(), "expected a string");
}

bool EntryReader::end() {
  if (skip_) {
    --skip_;
    return false;
  }
  if (level_ == 2) {
    level_ = 1;
    if (!in_first_) return false;
    in_first_ = false;
    if (!have_pid_) fail(".first", "missing \"pid\"");
    if (!have_comm_) fail(".first", "missing \"comm\"");
    auto set = [&](auto& e) {
      e.first_pid = pid_;
      e.first_comm = std::move(comm_);
    };
    switch (section_) {
      case Section::kPaths: set(path_); break;
      case Section::kMissing: set(missing_); break;
      case Section::kProcesses: set(process_); break;
      case Section::kUnbacked: set(unbacked_); break;
    }
    return false;
  }
  // The entry's object ends: its required members, in the order the DOM reader checked them.
  auto require = [&](Field f, const char* name) {
    if (!(seen_ & bit(static_cast<int>(f)))) fail("", std::string("missing \"") + name + "\"");
  };
  switch (section_) {
    case Section::kPaths:
      require(Field::kType, "type");
      require(Field::kKinds, "kinds");
      break;
    case Section::kMissing:
      require(Field::kKinds, "kinds");
      require(Field::kErrors, "errors");
      break;
    case Section::kProcesses: require(Field::kExecs, "execs"); break;
    case Section::kUnbacked: require(Field::kKinds, "kinds"); break;
  }
  return true;
}

bool EntryReader::scalar_string(std::string& s) {
  if (skip_) return false;
  if (level_ == 0) fail("", "expected an object");
  if (level_ == 2 && !in_first_) {
    filling_->insert(decoded(s, field_where()));
    return false;
  }
  if (level_ == 2) {
    if (first_field_ == Field::kComm) {
      comm_ = decoded(s, field_where());
      have_comm_ = true;
    } else if (first_field_ != Field::kIgnored) {
      wrong_type();
    }
    return false;
  }
  if (field_ == Field::kType)
    path_.type = decoded(s, field_where());
  else if (field_ == Field::kTarget)
    path_.target = decoded(s, field_where());
  else if (field_ != Field::kIgnored)
    wrong_type();
  return false;
}

bool EntryReader::scalar_unsigned(uint64_t n) {
  if (skip_) return false;
  if (level_ == 0) fail("", "expected an object");
  if (level_ == 2 && !in_first_) fail(field_where(), "expected a string");
  if (level_ == 2) {
    if (first_field_ == Field::kPid) {
      if (n > UINT32_MAX) wrong_type();
      pid_ = static_cast<uint32_t>(n);
      have_pid_ = true;
    } else if (first_field_ != Field::kIgnored) {
      wrong_type();
    }
    return false;
  }
  switch (field_) {
    case Field::kCount:
      (section_ == Section::kPaths ? path_.count : section_ == Section::kMissing ? missing_.count : unbacked_.count) = n;
      break;
    case Field::kExecs: process_.execs = n; break;
    case Field::kIgnored: break;
    default: wrong_type();
  }
  return false;
}

bool EntryReader::scalar_integer(int64_t n) {
  // The parser reports non-negative integers as unsigned; a DOM built in C++ may not.
  if (n >= 0) return scalar_unsigned(static_cast<uint64_t>(n));
  return scalar_other();
}

bool EntryReader::scalar_other() {
  if (skip_) return false;
  if (level_ == 0) fail("", "expected an object");
  if (level_ == 2 && !in_first_) fail(field_where(), "expected a string");
  if ((level_ == 2 ? first_field_ : field_) != Field::kIgnored) wrong_type();
  return false;
}

bool EntryReader::scalar_bool(bool b) {
  if (skip_) return false;
  if (level_ == 1 && field_ == Field::kPseudo)
    path_.pseudo = b;
  else if (level_ == 1 && field_ == Field::kCreated)
    path_.created = b;
  else
    return scalar_other();
  return false;
}

void EntryReader::store(Manifest& m) {
  // Manifests are written sorted, so the end is almost always the right place: no search.
  switch (section_) {
    case Section::kPaths: m.paths.insert_or_assign(m.paths.end(), std::move(name_), std::move(path_)); break;
    case Section::kMissing: m.missing.insert_or_assign(m.missing.end(), std::move(name_), std::move(missing_)); break;
    case Section::kProcesses:
      m.processes.insert_or_assign(m.processes.end(), std::move(name_), std::move(process_));
      break;
    case Section::kUnbacked:
      m.unbacked.insert_or_assign(m.unbacked.end(), std::move(name_), std::move(unbacked_));
      break;
  }
}

}  // namespace pare
