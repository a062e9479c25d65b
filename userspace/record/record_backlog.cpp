#include "record/record_backlog.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace pare {

namespace {

// Each kept record: its size (a uint32 in an 8-byte slot), then its bytes,
// padded so the next one starts 8-aligned, as records do in the ring.
constexpr size_t kChunkBytes = 1 << 20;
constexpr size_t kAlign = 8;
// Past the budget, records handed on per record that comes in: more than one,
// so the backlog shrinks; few, so one ring callback stays short.
constexpr int kHandOnPerRecord = 2;

size_t slot_bytes(size_t size) { return kAlign + (size + kAlign - 1) / kAlign * kAlign; }

}  // namespace

RecordBacklog::RecordBacklog(Handler handler, size_t budget_bytes)
    : handler_(std::move(handler)), budget_bytes_(budget_bytes), passed_budget_(budget_bytes == 0) {}

void RecordBacklog::add(const void* data, size_t size) {
  if (passed_budget_ && chunks_.empty()) {
    handler_(data, size);  // nothing older is waiting
    return;
  }
  size_t need = slot_bytes(size);
  if (chunks_.empty() || chunks_.back().capacity - chunks_.back().used < need) {
    Chunk c;
    c.capacity = std::max(kChunkBytes, need);
    c.bytes = std::make_unique_for_overwrite<unsigned char[]>(c.capacity);
    kept_bytes_ += c.capacity;
    chunks_.push_back(std::move(c));
  }
  Chunk& c = chunks_.back();
  uint32_t n = static_cast<uint32_t>(size);
  std::memcpy(c.bytes.get() + c.used, &n, sizeof n);
  std::memcpy(c.bytes.get() + c.used + kAlign, data, size);
  c.used += need;
  if (kept_bytes_ > budget_bytes_) passed_budget_ = true;
  if (!passed_budget_) return;
  for (int i = 0; i < kHandOnPerRecord; ++i)
    if (!hand_over_oldest()) break;
}

bool RecordBacklog::hand_over_oldest() {
  while (!chunks_.empty() && chunks_.front().read >= chunks_.front().used) {
    kept_bytes_ -= chunks_.front().capacity;
    chunks_.pop_front();  // a chunk's memory goes back once all of it was handed over
  }
  if (chunks_.empty()) return false;
  Chunk& c = chunks_.front();
  uint32_t n = 0;
  std::memcpy(&n, c.bytes.get() + c.read, sizeof n);
  const unsigned char* record = c.bytes.get() + c.read + kAlign;
  c.read += slot_bytes(n);  // before the call: a handler that throws does not get it twice
  handler_(record, n);
  return true;
}

void RecordBacklog::replay() {
  while (hand_over_oldest()) {
  }
}

}  // namespace pare
