// The recording's backlog (userspace/record/record_backlog.h): what it hands
// over after the run must be exactly what the ring handed it, in order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "record/record_backlog.h"

using pare::RecordBacklog;

namespace {

// A record of SIZE bytes whose content says which one it is.
std::string make_record(size_t index, size_t size) {
  std::string r(size, '\0');
  for (size_t i = 0; i < size; ++i) r[i] = static_cast<char>((index * 131 + i * 7) & 0xff);
  return r;
}

struct Sink {
  std::vector<std::string> got;
  std::vector<bool> aligned;
  RecordBacklog::Handler handler() {
    return [this](const void* data, size_t size) {
      got.emplace_back(static_cast<const char*>(data), size);
      aligned.push_back(reinterpret_cast<uintptr_t>(data) % 8 == 0);
    };
  }
};

}  // namespace

TEST_CASE("the backlog hands nothing over while the run lasts, then every record byte for byte in order") {
  Sink sink;
  RecordBacklog backlog(sink.handler(), 64u << 20);
  std::vector<std::string> sent;
  // Odd sizes, empty ones and records bigger than a 1 MiB chunk, so that
  // records land across chunk ends and in chunks of their own.
  std::vector<size_t> sizes = {0, 1, 7, 8, 9, 100, 4095, 16384, (1u << 20) + 3, 13, 1u << 20, 5};
  for (size_t round = 0; round < 200; ++round)
    for (size_t s : sizes) {
      if (s >= (1u << 20) && round % 50) continue;
      sent.push_back(make_record(sent.size(), s));
      backlog.add(sent.back().data(), sent.back().size());
    }
  REQUIRE(sink.got.empty());
  REQUIRE(backlog.kept_bytes() > 0);
  backlog.replay();
  REQUIRE(sink.got == sent);
  for (bool a : sink.aligned) REQUIRE(a);
  REQUIRE(backlog.kept_bytes() == 0);
  REQUIRE_FALSE(backlog.passed_budget());
  backlog.replay();  // nothing left: nothing handed over twice
  REQUIRE(sink.got.size() == sent.size());
}

TEST_CASE("past its budget the backlog shrinks: each record that comes in sends the two oldest on, order kept") {
  Sink sink;
  constexpr size_t kMiB = 1u << 20;
  RecordBacklog backlog(sink.handler(), 2 * kMiB);
  std::vector<std::string> sent;
  size_t most_kept = 0;
  size_t most_per_add = 0;
  for (size_t i = 0; i < 200; ++i) {
    // 100,000-byte records: ten fill a 1 MiB chunk, the 21st opens a third
    // chunk and so passes the 2 MiB budget.
    sent.push_back(make_record(i, 100000));
    size_t before = sink.got.size();
    backlog.add(sent.back().data(), sent.back().size());
    most_per_add = std::max(most_per_add, sink.got.size() - before);
    most_kept = std::max(most_kept, backlog.kept_bytes());
    if (i < 20) {
      REQUIRE(sink.got.empty());
      REQUIRE_FALSE(backlog.passed_budget());
    } else {
      REQUIRE(backlog.passed_budget());
      REQUIRE(sink.got.size() == std::min(2 * (i - 19), i + 1));
    }
  }
  REQUIRE(most_per_add <= 2);    // no ring callback decodes the whole backlog
  REQUIRE(most_kept <= 3 * kMiB);  // the budget and the chunk that passed it
  // Caught up long ago: the last records went straight through.
  REQUIRE(backlog.kept_bytes() == 0);
  backlog.replay();
  REQUIRE(sink.got == sent);
  for (bool a : sink.aligned) REQUIRE(a);
}

TEST_CASE("a backlog with no budget hands each record over as it comes") {
  Sink sink;
  RecordBacklog backlog(sink.handler(), 0);
  std::vector<std::string> sent;
  for (size_t i = 0; i < 50; ++i) {
    sent.push_back(make_record(i, i * 3));
    backlog.add(sent.back().data(), sent.back().size());
    REQUIRE(sink.got.size() == i + 1);
    REQUIRE(sink.got.back() == sent.back());
  }
  REQUIRE(backlog.kept_bytes() == 0);
}
