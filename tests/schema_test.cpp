// manifests/schema.json against real manifests: the shipped examples, a fresh
// recording, and a broken one that must be refused (so the check can fail).
#include <catch2/catch.hpp>
#include <filesystem>

#include "manifest/manifest.h"
#include "support/run_pare.h"

namespace {

const std::string kSchema = std::string(PARE_SOURCE_DIR) + "/manifests/schema.json";

// Debian's python3-jsonschema (installed by tools/setup) is the validator.
test::RunResult validate(const std::string& manifest) {
  return test::run({"/usr/bin/python3", "-c",
                    "import json,sys,jsonschema\n"
                    "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])),"
                    " format_checker=jsonschema.FormatChecker())\n",
                    kSchema, manifest});
}

}  // namespace

TEST_CASE("every example manifest validates against the schema and round-trips", "[schema]") {
  int n = 0;
  for (auto& e : std::filesystem::directory_iterator(std::string(PARE_SOURCE_DIR) + "/manifests/examples")) {
    std::string p = e.path().string();
    INFO(p);
    auto r = validate(p);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    // pare's own reader accepts it and writes it back byte for byte.
    pare::Manifest m = pare::read_manifest_file(p);
    CHECK(pare::manifest_to_string(m) == test::slurp(p));
    ++n;
  }
  CHECK(n >= 2);
}

TEST_CASE("a fresh recording validates against the schema", "[schema]") {
  test::TempDir d;
  auto r = test::run_pare({"record", "-o", d / "m.json", "--", "/bin/sh", "-c", "ls / >/dev/null; stat /nope || true"});
  REQUIRE(r.exit_code == 0);
  auto v = validate(d / "m.json");
  INFO(v.err);
  CHECK(v.exit_code == 0);
}

TEST_CASE("a manifest without 'complete' is refused by the schema and by pare", "[schema]") {
  std::string bad = std::string(PARE_SOURCE_DIR) + "/tests/data/invalid-manifest.json";
  CHECK(validate(bad).exit_code != 0);
  CHECK_THROWS_WITH(pare::read_manifest_file(bad), Catch::Contains("missing \"complete\""));
}
