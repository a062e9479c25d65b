// Folds decoded events into Observations: path -> kinds, counts, first process.
// Pure (no filesystem access), so unit tests feed it fake events.
#pragma once

#include <utility>

#include "aggregate/observations.h"
#include "decode/event.h"

namespace pare {

class Aggregator {
 public:
  void add(const Event& ev);
  void add_decode_error() { ++obs_.decode_errors; }
  const Observations& observations() const { return obs_; }
  // Hands the observations over (the aggregator is empty after).
  Observations take() { return std::exchange(obs_, Observations()); }

  // Open flags -> the access kinds they imply ("read", "write", "create").
  static KindSet open_kinds(uint64_t open_flags);

 private:
  void add_object(const Event& ev, KindSet kinds);
  void add_name(const Event& ev, const std::string& raw, KindSet kinds, bool follow);
  Observations obs_;
};

}  // namespace pare
