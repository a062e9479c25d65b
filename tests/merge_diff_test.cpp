// merge is a commutative, idempotent union; diff names what was added and removed.
#include <catch2/catch.hpp>

#include "manifest/diff.h"
#include "manifest/merge.h"

using pare::Manifest;

namespace {

Manifest run(const std::vector<std::string>& paths, bool complete, uint32_t pid) {
  Manifest m;
  m.tool_version = "0.1.0";
  m.started_at = "2026-11-28T20:00:0" + std::to_string(pid % 10) + ".000Z";
  m.ended_at = "2026-11-28T20:01:0" + std::to_string(pid % 10) + ".000Z";
  m.complete = complete;
  if (!complete) m.incomplete_reasons = {"1 open records dropped"};
  m.target.command = {"/app"};
  for (auto& p : paths) {
    auto& e = m.paths[p];
    e.type = "file";
    e.kinds = {"read"};
    e.why = {"traced"};
    e.count = pid;
    e.first_pid = pid;
    e.first_comm = "app";
  }
  m.missing["/etc/opt" + std::to_string(pid)].errors = {"ENOENT"};
  m.processes["/app"].execs = pid;
  return m;
}

std::string text(const Manifest& m) { return pare::manifest_to_string(m); }

}  // namespace

TEST_CASE("merge: union of paths, completeness is the AND", "[merge]") {
  Manifest a = run({"/a", "/shared"}, true, 1), b = run({"/b", "/shared"}, false, 2);
  Manifest ab = pare::merge_manifests({a, b});
  CHECK(ab.paths.size() == 3);
  CHECK(ab.missing.size() == 2);
  CHECK_FALSE(ab.complete);
  CHECK(ab.incomplete_reasons.size() == 1);
  CHECK(ab.paths["/shared"].first_pid == 1);
  CHECK(ab.started_at == a.started_at);
  CHECK(ab.ended_at == b.ended_at);
}

TEST_CASE("merge: commutative, associative and idempotent", "[merge]") {
  Manifest a = run({"/a", "/shared"}, true, 1), b = run({"/b", "/shared"}, false, 2), c = run({"/c"}, true, 3);
  CHECK(text(pare::merge_manifests({a, b})) == text(pare::merge_manifests({b, a})));
  CHECK(text(pare::merge_manifests({a, b, c})) == text(pare::merge_manifests({c, a, b})));
  CHECK(text(pare::merge_manifests({pare::merge_manifests({a, b}), c})) ==
        text(pare::merge_manifests({a, pare::merge_manifests({b, c})})));
  CHECK(text(pare::merge_manifests({a, a})) == text(pare::merge_manifests({a})));
  CHECK(text(pare::merge_manifests({a})) == text(a));
}

TEST_CASE("diff: added and removed, as text and JSON", "[diff]") {
  Manifest a = run({"/a", "/shared"}, true, 1), b = run({"/b", "/shared"}, true, 2);
  auto d = pare::diff_manifests(a, b);
  CHECK(d.added_paths == std::vector<std::string>{"/b"});
  CHECK(d.removed_paths == std::vector<std::string>{"/a"});
  CHECK(d.added_missing == std::vector<std::string>{"/etc/opt2"});
  auto j = pare::diff_to_json(d);
  CHECK(j["paths"]["added"][0] == "/b");
  CHECK(j["identical"] == false);
  std::string t = pare::diff_to_text(d, a, b);
  CHECK_THAT(t, Catch::Contains("+ /b  (read)"));
  CHECK_THAT(t, Catch::Contains("- /a  (read)"));
  CHECK(pare::diff_manifests(a, a).empty());
  CHECK(pare::diff_to_text(pare::diff_manifests(a, a), a, a) == "no differences\n");
}

TEST_CASE("merge: a path that existed in one run is not 'absent' after merging", "[merge]") {
  Manifest a = run({"/x"}, true, 1), b = run({"/x"}, true, 2);
  b.paths["/x"].type = "absent";
  CHECK(pare::merge_manifests({a, b}).paths["/x"].type == "file");
  CHECK(pare::merge_manifests({b, a}).paths["/x"].type == "file");
}
