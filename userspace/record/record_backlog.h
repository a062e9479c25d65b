// The records of a recording, kept as the ring hands them over and decoded
// only once the workload has ended. Decoding and aggregating them while it
// runs costs the traced workload itself: on the 2-CPU project machine a tar of
// /usr/share ran ~4% slower beside a consumer that did that work (16 of 20
// interleaved runs), though the consumer had a CPU to itself. A copy costs
// next to nothing.
//
// Bounded: once the kept bytes pass the budget, every record that comes in
// sends the two oldest kept ones on, so the backlog shrinks while the
// recording goes on and no single ring callback decodes more than three
// records (decoding the whole budget inside one would stop draining the
// ring meanwhile). Order is kept throughout: the aggregator's "first process
// that touched it" depends on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

namespace pare {

class RecordBacklog {
 public:
  using Handler = std::function<void(const void* data, size_t size)>;

  // A budget of 0 keeps nothing: each record is handed over as it comes.
  RecordBacklog(Handler handler, size_t budget_bytes);

  // Keeps a copy of the record (past the budget: and hands the oldest on).
  void add(const void* data, size_t size);
  // Hands every kept record over in arrival order; memory goes back as it goes.
  void replay();

  size_t kept_bytes() const { return kept_bytes_; }  // memory held in chunks
  bool passed_budget() const { return passed_budget_; }

 private:
  struct Chunk {
    std::unique_ptr<unsigned char[]> bytes;
    size_t capacity = 0;
    size_t used = 0;
    size_t read = 0;  // records before this have been handed over
  };
  bool hand_over_oldest();  // false when nothing is kept

  Handler handler_;
  size_t budget_bytes_;
  size_t kept_bytes_ = 0;
  bool passed_budget_ = false;
  std::deque<Chunk> chunks_;
};

}  // namespace pare
