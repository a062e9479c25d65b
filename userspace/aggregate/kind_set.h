// How a path was used (exec, read, write...), as a bitmask: a heavy recording
// holds 10^5 uses, and each std::set<std::string> of one or two kind names
// cost ~150 bytes where this costs 2. The manifest spells the names out.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>

namespace pare {

class KindSet {
 public:
  // The kinds the trace itself sees (the manifest adds symlink, elf-interp).
  enum Kind : uint16_t {
    kExec = 1 << 0,
    kInterpreter = 1 << 1,
    kScript = 1 << 2,
    kRead = 1 << 3,
    kWrite = 1 << 4,
    kCreate = 1 << 5,
    kMappedExec = 1 << 6,
    kChecked = 1 << 7,
    kListed = 1 << 8,
  };

  KindSet() = default;
  KindSet(std::initializer_list<Kind> kinds) {
    for (Kind k : kinds) bits_ |= k;
  }
  void insert(KindSet other) { bits_ |= other.bits_; }
  bool has(Kind k) const { return (bits_ & k) != 0; }
  bool empty() const { return bits_ == 0; }

  // Adds the kinds' manifest names to OUT.
  void add_names_to(std::set<std::string>& out) const;
  std::set<std::string> names() const {
    std::set<std::string> out;
    add_names_to(out);
    return out;
  }
  bool operator==(const KindSet& o) const { return bits_ == o.bits_; }
  bool operator==(const std::set<std::string>& kind_names) const { return names() == kind_names; }

 private:
  uint16_t bits_ = 0;
};

}  // namespace pare
