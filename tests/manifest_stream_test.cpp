// The streaming manifest reader and writer (manifest_reader.cpp,
// entry_reader.cpp, entry_text.cpp, json_text.cpp) against the DOM they
// replaced: the same text out, the same manifest in, the same first error.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "common/json_text.h"
#include "common/name_encoding.h"
#include "manifest/manifest.h"
#include "support/run_pare.h"

using nlohmann::json;

namespace {

const std::string kHead = R"({"schema_version":1,"tool":{"name":"pare","version":"0"},"target":{"root":"/"},
  "started_at":"a","ended_at":"b","complete":true,"drops":{},)";

// A manifest whose sections are SECTIONS (JSON members, comma-separated).
std::string manifest_text(const std::string& sections) {
  return kHead + sections + "}";
}

// The error of reading TEXT from a file; the DOM reader must give the very same one.
std::string file_error(const std::string& text) {
  test::TempDir d;
  std::string path = d.write("m.json", text);
  std::string from_file, from_dom;
  try {
    pare::read_manifest_file(path);
  } catch (const pare::Error& e) {
    CHECK(e.code() == pare::kExitBadInput);
    from_file = e.what();
  }
  try {
    pare::manifest_from_json(json::parse(text), path);
  } catch (const pare::Error& e) {
    from_dom = e.what();
  }
  CHECK(from_file == from_dom);
  CHECK(from_file.rfind("manifest " + path + ": ", 0) == 0);
  return from_file;
}

pare::Manifest odd_manifest() {
  pare::Manifest m;
  m.tool_version = "t";
  m.started_at = m.ended_at = "2026-11-28T20:00:00.000Z";
  // Plain names and names that need the encoding (sorted first by their
  // leading NUL) interleaved, with quotes, controls and escapes in both.
  for (std::string name : {"/a", "/b\xff", "/a\"q\\\t\x01\x1f\x7f", "/\xe9t\xc3\xa9", "/%41", "/z\n"}) {
    auto& p = m.paths[name];
    p.type = "file";
    p.kinds = {"read", "\xfe"};
  }
  auto& link = m.paths["/l"];
  link.type = "symlink";
  link.why = {"symlink on the way to /a"};
  link.target = "a\xff";
  link.pseudo = true;
  link.created = true;
  link.count = UINT64_MAX;
  link.first_pid = UINT32_MAX;
  link.first_comm = "c\x80";
  m.missing["/m"].errors = {"ENOENT", "EACCES"};
  m.missing["/m\xc0"].count = 3;
  m.processes["/bin/sh"].execs = 2;
  m.processes["/bin/sh"].scripts = {"/s.sh"};
  m.processes["/bin/sh"].first_pid = 9;
  m.unbacked[""].kinds = {"exec"};  // an empty name sorts before the encoded ones
  m.unbacked["memfd:\xff"].first_pid = 1;
  m.syscalls = std::set<std::string>{"read"};
  return m;
}

}  // namespace

TEST_CASE("json text: strings are escaped exactly as nlohmann dumps them", "[manifest][names]") {
  for (int c = 1; c < 128; ++c) {
    std::string s = "a" + std::string(1, static_cast<char>(c)) + "b";
    std::string out;
    pare::append_json_string(out, s);
    CHECK(out == json(s).dump());
  }
  for (std::string s : {std::string(), std::string("\0x", 2), std::string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")}) {
    std::string out;
    pare::append_json_string(out, s);
    CHECK(out == json(s).dump());
  }
  for (std::string name : {"/plain", "/caf\xe9", "", "\xff\xfe%", "/tab\there"}) {
    std::string out;
    pare::append_json_name(out, name);
    CHECK(out == json(pare::encode_name(name)).dump());
  }
}

TEST_CASE("manifest: odd names and every optional member stream as the DOM's dump and read back", "[manifest][names]") {
  pare::Manifest m = odd_manifest();
  std::string text = pare::manifest_to_string(m);
  CHECK(text == pare::manifest_to_json(m).dump(2) + "\n");
  test::TempDir d;
  pare::Manifest back = pare::read_manifest_file(d.write("m.json", text));
  CHECK(pare::manifest_to_string(back) == text);
  CHECK(back.paths.at("/l").target == "a\xff");
  CHECK(back.paths.at("/l").first_comm == "c\x80");
  CHECK(back.paths.at("/l").count == UINT64_MAX);
  CHECK(back.paths.at("/b\xff").kinds.count("\xfe"));
  CHECK(back.unbacked.count(""));
  CHECK(pare::manifest_to_string(pare::manifest_from_json(json::parse(text), "dom")) == text);
}

TEST_CASE("manifest files: a wrong entry is one error naming the field, the same as from a DOM", "[manifest]") {
  auto paths = [](const std::string& entry) { return manifest_text(R"("paths":{"/x":)" + entry + "}"); };
  CHECK_THAT(file_error(paths("5")), Catch::Contains(R"(paths "/x": expected an object)"));
  CHECK_THAT(file_error(paths(R"({"type":1,"kinds":[]})")), Catch::Contains(R"(paths "/x".type: expected a string)"));
  CHECK_THAT(file_error(paths(R"({"type":"file","kinds":"read"})")), Catch::Contains(".kinds: expected an array of strings"));
  CHECK_THAT(file_error(paths(R"({"type":"file","kinds":[1]})")), Catch::Contains(".kinds: expected a string"));
  CHECK_THAT(file_error(paths(R"({"type":"file","kinds":[["read"]]})")), Catch::Contains(".kinds: expected a string"));
  CHECK_THAT(file_error(paths(R"({"type":"file","kinds":[],"pseudo":"yes"})")), Catch::Contains(".pseudo: expected true or false"));
  CHECK_THAT(file_error(paths(R"({"type":"file","kinds":[],"count":-1})")), Catch::Contains(".count: expected a non-negative integer"));
  CHECK_THAT(file_error(paths(R"({"type":"file","kinds":[],"count":1.5})")), Catch::Contains(".count: expected a non-negative integer"));
  CHECK_THAT(file_error(paths(R"({"type":"file","kinds":[],"first":5})")), Catch::Contains(".first: expected an object"));
  CHECK_THAT(file_error(paths(R"({"type":"file","kinds":[],"first":{"comm":"a"}})")), Catch::Contains(R"(.first: missing "pid")"));
  CHECK_THAT(file_error(paths(R"({"type":"file","kinds":[],"first":{"pid":1}})")), Catch::Contains(R"(.first: missing "comm")"));
  CHECK_THAT(file_error(paths(R"({"type":"file","kinds":[],"first":{"pid":4294967296,"comm":"a"}})")),
             Catch::Contains(".first.pid: expected an integer from 0 to 4294967295"));
  CHECK_THAT(file_error(paths(R"({"kinds":[]})")), Catch::Contains(R"(paths "/x": missing "type")"));
  CHECK_THAT(file_error(paths(R"({"type":"file","kinds":["\u0000%zz"]})")), Catch::Contains("malformed %-escape"));
  CHECK_THAT(file_error(manifest_text(R"("paths":{"x":{"type":"file","kinds":[]}})")), Catch::Contains("absolute"));
  CHECK_THAT(file_error(manifest_text(R"("missing":{"/x":{"kinds":[]}})")), Catch::Contains(R"(missing "/x": missing "errors")"));
  CHECK_THAT(file_error(manifest_text(R"("processes":{"/x":{"execs":"2"}})")), Catch::Contains(".execs: expected a non-negative integer"));
  CHECK_THAT(file_error(manifest_text(R"("processes":{"/x":{}})")), Catch::Contains(R"(missing "execs")"));
  CHECK_THAT(file_error(manifest_text(R"("paths":[])")), Catch::Contains("paths: expected an object keyed by path"));
  CHECK_THAT(file_error(manifest_text(R"("unbacked":3)")), Catch::Contains("unbacked: expected an object"));
  CHECK_THAT(file_error("[1]"), Catch::Contains("top level: expected a JSON object"));
  CHECK_THAT(file_error("\"x\""), Catch::Contains("top level: expected a JSON object"));
  CHECK_THAT(file_error(R"({"schema_version":2})"), Catch::Contains("not supported"));
}

TEST_CASE("manifest files: members pare does not know are skipped whatever they hold", "[manifest]") {
  std::string text = manifest_text(R"("future":{"a":[1,{"b":null}]},"paths":{"/x":{"type":"file","kinds":["read"],
    "later":{"deep":[[{"x":1.5}]]},"first":{"pid":3,"comm":"c","tid":[4]}},
    "/y":{"type":"dir","kinds":[]}},"missing":{},"processes":{},"unbacked":{})");
  test::TempDir d;
  pare::Manifest m = pare::read_manifest_file(d.write("m.json", text));
  REQUIRE(m.paths.size() == 2);
  CHECK(m.paths.at("/x").kinds == std::set<std::string>{"read"});
  CHECK(m.paths.at("/x").first_pid == 3);
  CHECK(m.paths.at("/y").type == "dir");
}

TEST_CASE("manifest files: nesting past the limit is refused while parsing, in any member", "[manifest][limits]") {
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  CHECK_THAT(file_error(manifest_text(R"("x":)" + deep)), Catch::Contains("nested deeper"));
  CHECK_THAT(file_error(manifest_text(R"("paths":{"/x":{"type":"file","kinds":[],"later":)" + deep + "}}")),
             Catch::Contains("nested deeper"));
  std::string at_limit = std::string(60, '[') + std::string(60, ']');  // 2 + 60 levels: allowed
  test::TempDir d;
  CHECK_NOTHROW(pare::read_manifest_file(d.write("m.json", manifest_text(R"("x":)" + at_limit))));
}

TEST_CASE("manifest files: a directory or a cut-off file is one clear error", "[manifest]") {
  test::TempDir d;
  CHECK_THROWS_WITH(pare::read_manifest_file(d.path()), Catch::Contains("cannot read manifest"));
  std::string text = pare::manifest_to_string(odd_manifest());
  CHECK_THROWS_WITH(pare::read_manifest_file(d.write("cut.json", text.substr(0, text.size() / 2))),
                    Catch::Contains("not valid JSON (at byte"));
  CHECK_THROWS_WITH(pare::read_manifest_file(d.write("big.json", manifest_text(R"("truncated":1e400)"))),
                    Catch::Contains("not usable JSON"));
}
