// The decoder against hand-made byte buffers: good records, and every way a
// record can be short, long or inconsistent.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "decode/decoder.h"

namespace {

// Builds a record the way the BPF side lays it out.
std::vector<uint8_t> make_record(uint8_t type, std::vector<std::pair<int, std::string>> strings) {
  pare_event ev{};
  ev.type = type;
  ev.tgid = 42;
  ev.pid = 43;
  ev.ret = 3;
  ev.aux = 0;
  std::memcpy(ev.comm, "tester", 7);
  std::vector<uint8_t> tail;
  for (auto& [slot, s] : strings) {
    ev.str_len[slot] = static_cast<uint16_t>(s.size() + 1);
    tail.insert(tail.end(), s.begin(), s.end());
    tail.push_back(0);
  }
  ev.size = static_cast<uint16_t>(sizeof ev + tail.size());
  std::vector<uint8_t> out(sizeof ev + tail.size());
  std::memcpy(out.data(), &ev, sizeof ev);
  std::copy(tail.begin(), tail.end(), out.begin() + sizeof ev);
  return out;
}

std::string error_of(const std::vector<uint8_t>& buf) {
  auto r = pare::decode_event(buf.data(), buf.size());
  auto* e = std::get_if<pare::DecodeError>(&r);
  return e ? e->reason : "";
}

}  // namespace

TEST_CASE("decoder: a record with strings in slot order", "[decoder]") {
  auto buf = make_record(PARE_EV_OPEN, {{PARE_S_RAW, "lib/x.so"}, {PARE_S_PATH, "/usr/lib/x.so"}, {PARE_S_BASE, "/usr"}});
  auto r = pare::decode_event(buf.data(), buf.size());
  REQUIRE(std::holds_alternative<pare::Event>(r));
  auto& ev = std::get<pare::Event>(r);
  CHECK(ev.type == pare::EventType::kOpen);
  CHECK(ev.tgid == 42);
  CHECK(ev.pid == 43);
  CHECK(ev.comm == "tester");
  CHECK(ev.raw == "lib/x.so");
  CHECK(ev.path == "/usr/lib/x.so");
  CHECK(ev.base == "/usr");
  CHECK_FALSE(ev.interp.has_value());
}

TEST_CASE("decoder: absent slots are skipped, not shifted", "[decoder]") {
  auto buf = make_record(PARE_EV_EXEC, {{PARE_S_RAW, "./run.sh"}, {PARE_S_INTERP, "/bin/sh"}});
  auto ev = std::get<pare::Event>(pare::decode_event(buf.data(), buf.size()));
  CHECK(ev.raw == "./run.sh");
  CHECK_FALSE(ev.path.has_value());
  CHECK(ev.interp == "/bin/sh");
}

TEST_CASE("decoder: rejects records shorter than the header", "[decoder]") {
  auto buf = make_record(PARE_EV_OPEN, {});
  buf.resize(sizeof(pare_event) - 1);
  CHECK_THAT(error_of(buf), Catch::Contains("shorter than"));
  CHECK_THAT(error_of({}), Catch::Contains("shorter than"));
}

TEST_CASE("decoder: rejects a size field that disagrees with the bytes", "[decoder]") {
  auto buf = make_record(PARE_EV_OPEN, {{PARE_S_RAW, "/etc/hosts"}});
  buf.pop_back();
  CHECK_THAT(error_of(buf), Catch::Contains("arrived"));
}

TEST_CASE("decoder: rejects oversized records", "[decoder]") {
  std::vector<uint8_t> buf(PARE_EVENT_MAX + 1, 0);
  CHECK_THAT(error_of(buf), Catch::Contains("exceeds"));
}

TEST_CASE("decoder: rejects strings running past the end or not terminated", "[decoder]") {
  auto buf = make_record(PARE_EV_OPEN, {{PARE_S_RAW, "/etc/hosts"}});
  auto* ev = reinterpret_cast<pare_event*>(buf.data());
  ev->str_len[PARE_S_RAW] = 200;
  CHECK_THAT(error_of(buf), Catch::Contains("past the record end"));

  buf = make_record(PARE_EV_OPEN, {{PARE_S_RAW, "/etc/hosts"}});
  buf.back() = 'x';
  CHECK_THAT(error_of(buf), Catch::Contains("NUL"));

  buf = make_record(PARE_EV_OPEN, {{PARE_S_RAW, "/etc/hosts"}});
  reinterpret_cast<pare_event*>(buf.data())->str_len[PARE_S_PATH] = PARE_STR_MAX + 1;
  CHECK_THAT(error_of(buf), Catch::Contains("over"));
}

TEST_CASE("decoder: rejects trailing bytes and unknown types", "[decoder]") {
  auto buf = make_record(PARE_EV_OPEN, {{PARE_S_RAW, "/a"}});
  buf.push_back(0);
  reinterpret_cast<pare_event*>(buf.data())->size = static_cast<uint16_t>(buf.size());
  CHECK_THAT(error_of(buf), Catch::Contains("trailing"));

  buf = make_record(PARE_EV_MAX, {});
  CHECK_THAT(error_of(buf), Catch::Contains("unknown record type"));
  buf = make_record(PARE_EV_NONE, {});
  CHECK_THAT(error_of(buf), Catch::Contains("unknown record type"));
}

TEST_CASE("decoder: a base left out as the path's parent is filled in from the path", "[decoder]") {
  auto with_flag = [](std::vector<std::pair<int, std::string>> strings) {
    auto buf = make_record(PARE_EV_OPEN, std::move(strings));
    reinterpret_cast<pare_event*>(buf.data())->flags |= PARE_F_BASE_IS_PARENT | PARE_F_NOFOLLOW;
    return buf;
  };
  auto buf = with_flag({{PARE_S_RAW, "copyright"}, {PARE_S_PATH, "/usr/share/doc/x/copyright"}});
  auto ev = std::get<pare::Event>(pare::decode_event(buf.data(), buf.size()));
  CHECK(ev.base == "/usr/share/doc/x");
  // The encoding flag is the decoder's business; the others stay.
  CHECK(ev.flags == PARE_F_NOFOLLOW);
  buf = with_flag({{PARE_S_RAW, "etc"}, {PARE_S_PATH, "/etc"}});
  CHECK(std::get<pare::Event>(pare::decode_event(buf.data(), buf.size())).base == "/");
  // Inconsistent: no path to take it from, a relative path, or a base sent as well.
  CHECK(error_of(with_flag({{PARE_S_RAW, "x"}})).find("parent") != std::string::npos);
  CHECK(error_of(with_flag({{PARE_S_RAW, "x"}, {PARE_S_PATH, "memfd:x"}})).find("parent") != std::string::npos);
  CHECK(error_of(with_flag({{PARE_S_RAW, "x"}, {PARE_S_PATH, "/a/x"}, {PARE_S_BASE, "/a"}})).find("parent") !=
        std::string::npos);
}
