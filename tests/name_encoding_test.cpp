// Any byte sequence a Linux name can hold survives JSON: the encoding in
// common/name_encoding.h, alone and through a manifest round trip.
#include <catch2/catch.hpp>
#include <random>

#include "common/error.h"
#include "common/name_encoding.h"
#include "manifest/manifest.h"

using pare::decode_name;
using pare::encode_name;

TEST_CASE("valid UTF-8 names are written as they are", "[names]") {
  for (std::string s : {"/usr/bin/python3", "/srv/café/ünïcode ✓", "/a b/\"q\"/back\\slash", "/tab\there", "/100%",
                        "/new\nline", ""}) {
    CHECK(encode_name(s) == s);
    CHECK(decode_name(encode_name(s)) == s);
  }
}

TEST_CASE("invalid UTF-8 is escaped after a NUL marker and decodes back", "[names]") {
  CHECK(encode_name("/srv/caf\xe9") == std::string("\0/srv/caf%E9", 12));
  CHECK(encode_name("/a%\xff") == std::string("\0/a%25%FF", 9));
  // Overlong forms and UTF-16 surrogates are not UTF-8 either.
  CHECK(encode_name("\xc0\xaf")[0] == '\0');
  CHECK(encode_name("\xed\xa0\x80")[0] == '\0');
  CHECK(decode_name(encode_name("/srv/caf\xe9")) == "/srv/caf\xe9");
}

TEST_CASE("every byte string without NUL round-trips", "[names]") {
  std::mt19937 rng(42);
  for (int round = 0; round < 5000; ++round) {
    std::string s(rng() % 40, '\0');
    for (auto& c : s) c = static_cast<char>(1 + rng() % 255);
    std::string enc = encode_name(s);
    CHECK(pare::is_valid_utf8(enc));
    REQUIRE(decode_name(enc) == s);
  }
}

TEST_CASE("a NUL inside a name or a bad escape is refused", "[names]") {
  std::string why;
  CHECK_FALSE(decode_name(std::string("/a\0b", 4), &why));
  CHECK(why.find("NUL") != std::string::npos);
  CHECK_FALSE(decode_name(std::string("\0/a%00b", 7), &why));
  CHECK_FALSE(decode_name(std::string("\0/a%4", 5), &why));
  CHECK_FALSE(decode_name(std::string("\0/a%G1", 6), &why));
}

TEST_CASE("printable names never carry raw control or invalid bytes", "[names]") {
  CHECK(pare::printable_name("/ok/name") == "/ok/name");
  CHECK(pare::printable_name("/a\nb\xff") == "/a%0Ab%FF");
  CHECK_THROWS_AS(pare::require_utf8("K=\xff", "--env"), pare::Error);
  CHECK_NOTHROW(pare::require_utf8("K=ü", "--env"));
}

TEST_CASE("a manifest with odd names round-trips through JSON", "[names][manifest]") {
  pare::Manifest m;
  m.tool_version = "test";
  m.started_at = m.ended_at = "2026-11-28T20:00:00.000Z";
  std::string odd = "/srv/caf\xe9 %41 \"q\"\nnl\\";
  m.paths[odd].type = "file";
  m.paths[odd].kinds = {"read"};
  m.paths[odd].why = {"symlink on the way to /x\xfe"};
  m.paths[odd].first_pid = 7;
  m.paths[odd].first_comm = "co\xffmm";
  m.missing["/nope\x80"].kinds = {"read"};
  m.missing["/nope\x80"].errors = {"ENOENT"};
  m.target.command = {"/bin/echo", "\xfe\xff"};
  m.unbacked["memfd:\xff (deleted)"].kinds = {"exec"};
  std::string text = pare::manifest_to_string(m);
  auto back = pare::manifest_from_json(nlohmann::json::parse(text), "test");
  CHECK(pare::manifest_to_string(back) == text);
  REQUIRE(back.paths.count(odd));
  CHECK(back.paths[odd].first_comm == "co\xffmm");
  CHECK(*back.paths[odd].why.begin() == "symlink on the way to /x\xfe");
  CHECK(back.missing.count("/nope\x80"));
  CHECK(back.target.command[1] == "\xfe\xff");
  CHECK(back.unbacked.count("memfd:\xff (deleted)"));
}
