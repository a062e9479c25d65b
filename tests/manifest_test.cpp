// Manifest JSON: a full round trip, and malformed inputs refused with a line
// that names the field.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "manifest/manifest.h"
#include "support/run_pare.h"

namespace {

pare::Manifest sample() {
  pare::Manifest m;
  m.tool_version = "0.1.0";
  m.target.command = {"/usr/bin/python3", "app.py"};
  m.target.exit_status = 0;
  m.started_at = "2026-11-28T20:00:00.000Z";
  m.ended_at = "2026-11-28T20:00:05.000Z";
  m.complete = false;
  m.incomplete_reasons = {"3 exec records dropped (ring buffer or table full)"};
  m.drops = {{"exec", 3}, {"open", 0}};
  m.truncated = 1;
  m.blind_spots = {"io_uring: ..."};
  auto& py = m.paths["/usr/bin/python3.11"];
  py.type = "file";
  py.kinds = {"exec"};
  py.why = {"traced"};
  py.count = 2;
  py.first_pid = 100;
  py.first_comm = "python3";
  auto& link = m.paths["/usr/bin/python3"];
  link.type = "symlink";
  link.kinds = {"symlink"};
  link.why = {"symlink on the way to /usr/bin/python3.11"};
  link.target = "python3.11";
  auto& miss = m.missing["/etc/app.conf"];
  miss.kinds = {"read"};
  miss.errors = {"ENOENT"};
  miss.count = 1;
  m.processes["/usr/bin/python3.11"].execs = 2;
  m.processes["/usr/bin/python3.11"].scripts = {"/app/app.py"};
  m.unbacked["/memfd:jit (deleted)"].kinds = {"exec"};
  return m;
}

pare::Error parse_error(const std::string& text) {
  try {
    pare::manifest_from_json(nlohmann::json::parse(text), "test.json");
  } catch (const pare::Error& e) {
    return e;
  }
  FAIL("no error for " << text);
  return pare::Error(pare::kExitOk, "");
}

const char* kMinimal = R"({"schema_version":1,"tool":{"name":"pare","version":"0"},"target":{"root":"/"},
  "started_at":"a","ended_at":"b","complete":true,"drops":{},"paths":{},"missing":{},"processes":{}})";

}  // namespace

TEST_CASE("manifest: to JSON and back gives the same manifest", "[manifest]") {
  auto m = sample();
  std::string once = pare::manifest_to_string(m);
  auto back = pare::manifest_from_json(nlohmann::json::parse(once), "round-trip");
  CHECK(pare::manifest_to_string(back) == once);
  CHECK(back.paths.at("/usr/bin/python3").target == "python3.11");
  CHECK(back.missing.at("/etc/app.conf").errors == std::set<std::string>{"ENOENT"});
  CHECK(back.complete == false);
  CHECK(back.drops.at("exec") == 3);
}

TEST_CASE("manifest: the minimal manifest parses", "[manifest]") {
  auto m = pare::manifest_from_json(nlohmann::json::parse(kMinimal), "min");
  CHECK(m.paths.empty());
  CHECK(m.complete);
}

TEST_CASE("manifest: malformed input names the field and is a bad-input error", "[manifest]") {
  auto e = parse_error("[]");
  CHECK(e.code() == pare::kExitBadInput);
  CHECK_THAT(e.what(), Catch::Contains("expected a JSON object"));

  auto j = nlohmann::json::parse(kMinimal);
  j["schema_version"] = 2;
  CHECK_THAT(parse_error(j.dump()).what(), Catch::Contains("not supported"));

  j = nlohmann::json::parse(kMinimal);
  j["complete"] = "yes";
  CHECK_THAT(parse_error(j.dump()).what(), Catch::Contains("complete"));

  j = nlohmann::json::parse(kMinimal);
  j["paths"]["relative/path"] = {{"type", "file"}, {"kinds", {"read"}}};
  CHECK_THAT(parse_error(j.dump()).what(), Catch::Contains("absolute"));

  j = nlohmann::json::parse(kMinimal);
  j["paths"]["/x"] = {{"type", "file"}};
  CHECK_THAT(parse_error(j.dump()).what(), Catch::Contains("missing \"kinds\""));

  j = nlohmann::json::parse(kMinimal);
  j["drops"]["exec"] = -1;
  CHECK_THAT(parse_error(j.dump()).what(), Catch::Contains("non-negative"));
}

TEST_CASE("manifest: a file that is not JSON is one clear error", "[manifest]") {
  test::TempDir d;
  std::string p = d.write("broken.json", "{\"schema_version\": 1,");
  CHECK_THROWS_WITH(pare::read_manifest_file(p), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(pare::read_manifest_file(d / "absent.json"), Catch::Contains("cannot read manifest"));
}

TEST_CASE("manifest: the streamed text is the DOM's dump, in pieces, also for big and empty sections", "[manifest]") {
  auto m = sample();
  for (int i = 0; i < 3000; ++i) m.paths["/usr/share/doc/pkg" + std::to_string(i) + "/changelog.gz"].kinds = {"read"};
  m.unbacked.clear();  // an empty section prints as {}
  std::vector<std::string> pieces;
  pare::write_manifest_text(m, [&pieces](const std::string& text) { pieces.push_back(text); });
  std::string joined;
  for (auto& p : pieces) joined += p;
  CHECK(joined == pare::manifest_to_json(m).dump(2) + "\n");
  CHECK(joined == pare::manifest_to_string(m));
  size_t largest = 0;
  for (auto& p : pieces) largest = std::max(largest, p.size());
  CHECK(pieces.size() > 4);           // the paths section came in several chunks
  CHECK(largest < 2 * 64 * 1024);     // never the whole text at once
  CHECK(joined.size() > 3 * 64 * 1024);
}
