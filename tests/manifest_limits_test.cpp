// Untrusted manifests: nesting, path length, integer ranges and NULs are
// refused with one clear error, never truncated or crashed on.
#include <catch2/catch.hpp>
#include <fstream>

#include "closure/glob.h"
#include "common/error.h"
#include "common/json_input.h"
#include "manifest/manifest.h"
#include "support/run_pare.h"

using nlohmann::json;

namespace {

json minimal() {
  return json::parse(R"({"schema_version":1,"tool":{"name":"pare","version":"t"},"target":{"root":"/"},
    "started_at":"x","ended_at":"y","complete":true,"drops":{},"paths":{},"missing":{},"processes":{}})");
}

std::string error_of(const json& j) {
  try {
    pare::manifest_from_json(j, "m.json");
  } catch (const pare::Error& e) {
    CHECK(e.code() == pare::kExitBadInput);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("integers outside their range are refused, never truncated", "[limits]") {
  json j = minimal();
  j["target"]["exit_status"] = 1LL << 40;
  CHECK(error_of(j).find("target.exit_status") != std::string::npos);
  j["target"]["exit_status"] = -1;
  CHECK(error_of(j).find("target.exit_status") != std::string::npos);
  j["target"]["exit_status"] = 1.5;
  CHECK(error_of(j).find("target.exit_status") != std::string::npos);
  j["target"]["exit_status"] = 255;
  CHECK(error_of(j).empty());
  j["target"]["pid"] = 1LL << 33;
  CHECK(error_of(j).find("target.pid") != std::string::npos);
  j = minimal();
  j["schema_version"] = 1 + (1LL << 32);
  CHECK(error_of(j).find("schema_version") != std::string::npos);
}

TEST_CASE("paths beyond PATH_MAX or NAME_MAX, relative or with a NUL are refused", "[limits]") {
  json entry = {{"type", "file"}, {"kinds", json::array({"read"})}};
  json j = minimal();
  j["paths"]["/" + std::string(5000, 'a')] = entry;
  CHECK(error_of(j).find("PATH_MAX") != std::string::npos);
  j = minimal();
  j["paths"]["/x/" + std::string(300, 'b')] = entry;
  CHECK(error_of(j).find("NAME_MAX") != std::string::npos);
  j = minimal();
  j["paths"][std::string("/a\0b", 4)] = entry;
  CHECK(error_of(j).find("NUL") != std::string::npos);
  j = minimal();
  j["paths"][std::string("\0/a%00", 6)] = entry;
  CHECK(error_of(j).find("NUL") != std::string::npos);
  j = minimal();
  j["paths"]["relative"] = entry;
  CHECK(error_of(j).find("absolute") != std::string::npos);
}

TEST_CASE("JSON nested deeper than the limit is refused without recursion", "[limits]") {
  // 200k levels crashed a recursive copy before; the parse itself must refuse it.
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  CHECK_THROWS_AS(pare::parse_json_limited(deep, "x"), pare::Error);
  std::string deep_obj;
  for (int i = 0; i < 100; ++i) deep_obj += "{\"a\":";
  deep_obj += "1" + std::string(100, '}');
  try {
    pare::parse_json_limited(deep_obj, "config");
    FAIL("accepted");
  } catch (const pare::Error& e) {
    CHECK(std::string(e.what()).find("nested deeper") != std::string::npos);
  }
  CHECK_NOTHROW(pare::parse_json_limited(std::string(60, '[') + std::string(60, ']'), "x"));
  CHECK_THROWS_AS(pare::parse_json_limited("{\"a\":", "x"), pare::Error);
}

TEST_CASE("glob matching stays linear on deep paths with many **", "[limits][glob]") {
  // Backtracking needed minutes for this; ctest's timeout fails the test if it regresses.
  std::string path, pattern;
  for (int i = 0; i < 1500; ++i) path += "/a";
  for (int i = 0; i < 40; ++i) pattern += "/**/a";
  pattern += "/b";
  CHECK_FALSE(pare::glob_match(pattern, path));
  CHECK(pare::glob_match(pattern.substr(0, pattern.size() - 2), path));
  CHECK(pare::glob_match("/usr/**/lib*.so*", "/usr/lib/x86_64-linux-gnu/libc.so.6"));
  CHECK(pare::glob_match("/**", "/a/b"));
  CHECK(pare::glob_match("/a/**", "/a"));
  CHECK_FALSE(pare::glob_match("/a/*", "/a/b/c"));
  CHECK_FALSE(pare::glob_match("/a/*", "/a/.hidden"));
}
