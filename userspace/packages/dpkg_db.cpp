#include "packages/dpkg_db.h"

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/interrupt.h"
#include "packages/deb822.h"

namespace pare {

namespace {

// Real databases: a status file of a few MiB, lists of a few hundred KiB.
// The whole database is bounded too, since every byte of it is kept in memory.
constexpr size_t kMaxStatusBytes = 256u << 20;
constexpr size_t kMaxInfoFileBytes = 64u << 20;
constexpr size_t kMaxDatabaseBytes = 1024u << 20;

// dpkg's package states that have files on disk (not "not-installed" or
// "config-files", whose packages are gone but for their conffiles).
bool has_files(const std::string& status) {
  auto sp = status.rfind(' ');
  std::string state = sp == std::string::npos ? status : status.substr(sp + 1);
  return state == "installed" || state == "half-configured" || state == "unpacked" || state == "half-installed" ||
         state == "triggers-awaited" || state == "triggers-pending";
}

// "glibc" -> {"glibc", VERSION}; "gcc-12 (12.2.0-14)" -> {"gcc-12", "12.2.0-14"}.
std::pair<std::string, std::string> split_source(const std::string& field, const std::string& version) {
  auto open = field.find(" (");
  if (open == std::string::npos || field.back() != ')') return {field, version};
  return {field.substr(0, open), field.substr(open + 2, field.size() - open - 3)};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

class DbReader {
 public:
  explicit DbReader(const RootFs& fs) : fs_(fs) {}

  std::optional<std::string> read(const std::string& rel, size_t max) {
    throw_if_interrupted();
    auto text = fs_.read_file(std::string(kDpkgAdminDir) + "/" + rel, max);
    if (text) {
      total_ += text->size();
      if (total_ > kMaxDatabaseBytes)
        throw Error(kExitBadInput, "the source's dpkg database is larger than " +
                                       std::to_string(kMaxDatabaseBytes >> 20) + " MiB");
    }
    return text;
  }

  // info/NAME:ARCH.EXT (multiarch layout, info/format 1) or info/NAME.EXT.
  std::pair<std::string, std::optional<std::string>> info_file(const DpkgPackage& p, const std::string& ext) {
    for (auto stem : {p.name + ":" + p.arch, p.name}) {
      auto text = read("info/" + stem + "." + ext, kMaxInfoFileBytes);
      if (text) return {stem, text};
    }
    return {"", std::nullopt};
  }

 private:
  const RootFs& fs_;
  size_t total_ = 0;
};

void read_files_of(DbReader& r, DpkgPackage& p) {
  auto [stem, list] = r.info_file(p, "list");
  // Multi-Arch: same packages are info/NAME:ARCH.*; a package without a list keeps that name.
  p.info_name = !stem.empty() ? stem : p.name;
  if (list) p.files = lines_of(*list);
  auto [md5_stem, md5] = r.info_file(p, "md5sums");
  if (!md5) return;
  p.has_md5sums = true;
  for (auto& line : lines_of(*md5)) {
    // "<32 hex>  usr/bin/x": the path is relative to /.
    auto sep = line.find("  ");
    if (sep == std::string::npos || sep + 2 >= line.size()) continue;
    p.md5sums.emplace_back("/" + line.substr(sep + 2), line);
  }
}

std::vector<DpkgDiversion> parse_diversions(const std::string& text) {
  // Three lines each: from, to, diverting package (":" for a local diversion).
  std::vector<DpkgDiversion> out;
  std::vector<std::string> l;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (pos < text.size()) l.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  for (size_t i = 0; i + 2 < l.size(); i += 3)
    out.push_back({l[i], l[i + 1], l[i + 2] == ":" ? "" : l[i + 2]});
  return out;
}

}  // namespace

bool valid_package_name(const std::string& name) {
  // Debian policy 5.6.1: [a-z0-9][a-z0-9+.-]+ (one character tolerated, as dpkg does).
  if (name.empty() || name.size() > 255) return false;
  auto ok = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (!first && (c == '+' || c == '-' || c == '.'));
  };
  for (size_t i = 0; i < name.size(); ++i)
    if (!ok(name[i], i == 0)) return false;
  return true;
}

bool valid_architecture(const std::string& arch) {
  if (arch.empty() || arch.size() > 64) return false;
  for (char c : arch)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::optional<DpkgDb> read_dpkg_db(const RootFs& fs) {
  DbReader r(fs);
  auto status = r.read("status", kMaxStatusBytes);
  if (!status) return std::nullopt;
  DpkgDb db;
  for (auto& para : parse_deb822(*status)) {
    throw_if_interrupted();
    auto name = para.field("Package"), st = para.field("Status");
    if (!name || !st || !has_files(*st)) continue;
    DpkgPackage p;
    p.name = *name;
    p.arch = para.field("Architecture").value_or("");
    p.version = para.field("Version").value_or("");
    if (!valid_package_name(p.name) || !valid_architecture(p.arch)) {
      ++db.skipped;
      continue;
    }
    std::tie(p.source, p.source_version) = split_source(para.field("Source").value_or(p.name), p.version);
    p.paragraph = para.text;
    read_files_of(r, p);
    db.packages.push_back(std::move(p));
  }
  if (db.skipped) spdlog::warn("dpkg status: {} paragraphs with an invalid package name or architecture ignored", db.skipped);
  if (auto div = r.read("diversions", kMaxInfoFileBytes)) db.diversions = parse_diversions(*div);
  db.info_format = r.read("info/format", 64);
  return db;
}

}  // namespace pare
