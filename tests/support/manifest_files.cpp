#include "support/manifest_files.h"

#include "manifest/manifest.h"

namespace test {

std::string manifest_with(const TempDir& d, const std::map<std::string, std::string>& paths) {
  pare::Manifest m;
  m.tool_version = "test";
  m.started_at = m.ended_at = "2026-11-28T20:00:00.000Z";
  for (auto& [p, type] : paths) {
    auto& e = m.paths[p];
    e.type = type;
    e.kinds = {"read"};
    e.why = {"traced"};
  }
  return d.write("manifest.json", pare::manifest_to_string(m));
}

}  // namespace test
