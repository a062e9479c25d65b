#include "build/package_report.h"

#include <cstdio>

#include "build/size_report.h"
#include "common/name_encoding.h"

namespace pare {

namespace {

// Text output: the first unowned files; the JSON report has all of them.
constexpr size_t kUnownedShown = 20;

const char* type_name(char t) { return t == 'f' ? "file" : t == 'l' ? "symlink" : "other"; }

// Names after LEAD, wrapped at about 100 columns with a two-space indent.
std::string wrapped(const std::string& lead, const std::vector<std::string>& words) {
  std::string out = lead;
  size_t col = lead.size();
  for (auto& w : words) {
    if (col + 1 + w.size() > 100 && col > 2) {
      out += "\n ";
      col = 1;
    }
    out += " " + w;
    col += 1 + w.size();
  }
  return out + "\n";
}

}  // namespace

void add_packages_to_json(nlohmann::json& report, const PackageStep& step) {
  nlohmann::json j;
  if (!step.db || !step.usage) {
    j = {{"database", nullptr}, {"none", step.none_reason}};
    report["packages"] = j;
    return;
  }
  const DpkgDb& db = *step.db;
  const PackageUsage& u = *step.usage;
  nlohmann::json kept = nlohmann::json::array(), removed = nlohmann::json::array(), unowned = nlohmann::json::array(),
                 files = nlohmann::json::array();
  for (auto& use : u.kept) {
    auto& p = db.packages[use.package];
    // Versions and sources are untrusted bytes; names and architectures were checked (packages/dpkg_db.h).
    kept.push_back({{"name", p.name}, {"version", encode_name(p.version)}, {"architecture", p.arch},
                    {"source", encode_name(p.source)},
                    {"files_kept", use.files_kept}, {"files_total", use.files_total}, {"bytes_kept", use.bytes_kept}});
  }
  for (size_t i : u.removed) {
    auto& p = db.packages[i];
    removed.push_back({{"name", p.name}, {"version", encode_name(p.version)}, {"architecture", p.arch}});
  }
  for (auto& f : u.unowned) unowned.push_back({{"path", encode_name(f.path)}, {"type", type_name(f.type)}, {"bytes", f.size}});
  for (auto& f : step.db_files) files.push_back({{"path", encode_name(f)}, {"why", kPackageDbWhy}});
  j = {{"database", kDpkgAdminDir},
       {"before", u.before},
       {"after", u.kept.size()},
       {"kept", kept},
       {"removed", removed},
       {"unowned_files", unowned},
       {"database_written", step.write_db},
       {"database_files", files}};
  report["packages"] = j;
}

std::string packages_to_text(const PackageStep& step) {
  if (!step.db || !step.usage) return "packages: none (" + step.none_reason + ")\n";
  const DpkgDb& db = *step.db;
  const PackageUsage& u = *step.usage;
  char line[512];
  std::snprintf(line, sizeof line, "packages: %zu -> %zu (%zu removed)\n", u.before, u.kept.size(), u.removed.size());
  std::string out = line;
  if (!u.kept.empty()) out += "  files      bytes       package\n";
  for (auto& use : u.kept) {
    auto& p = db.packages[use.package];
    std::string files = std::to_string(use.files_kept) + "/" + std::to_string(use.files_total);
    std::snprintf(line, sizeof line, "  %-10s %-11s %s %s\n", files.c_str(), human_bytes(use.bytes_kept).c_str(),
                  p.name.c_str(), printable_name(p.version).c_str());
    out += line;
  }
  std::vector<std::string> removed;
  for (size_t i : u.removed) removed.push_back(db.packages[i].name);
  if (!removed.empty()) out += wrapped("removed packages:", removed);
  if (!u.unowned.empty()) {
    uint64_t bytes = 0;
    for (auto& f : u.unowned) bytes += f.type == 'f' ? f.size : 0;
    out += "kept files no package owns: " + std::to_string(u.unowned.size()) + " (" + human_bytes(bytes) + ")\n";
    for (size_t i = 0; i < u.unowned.size() && i < kUnownedShown; ++i) {
      auto& f = u.unowned[i];
      std::snprintf(line, sizeof line, "  %-11s %s%s\n", human_bytes(f.size).c_str(), printable_name(f.path).c_str(),
                    f.type == 'l' ? " (symlink)" : "");
      out += line;
    }
    if (u.unowned.size() > kUnownedShown)
      out += "  ... " + std::to_string(u.unowned.size() - kUnownedShown) + " more (--report lists them all)\n";
  }
  if (!step.write_db) out += "package database: not written (--no-package-db)\n";
  else
    out += "package database: " + std::to_string(step.db_files.size()) + " files in " + kDpkgAdminDir + " (" +
           kPackageDbWhy + ")\n";
  return out;
}

}  // namespace pare
