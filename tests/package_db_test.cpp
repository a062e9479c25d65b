// Minimal images scanners can still read, on the nginx test image: the
// trimmed dpkg database (dpkg-query reads it), the report's packages, the
// CycloneDX 1.5 and SPDX 2.3 SBOMs checked against the official schemas
// (tests/data/schemas), `pare sbom` of the fat image, and reproducible OCI
// digests with the database in. No container runs: the manifest is the
// closure of an nginx exec, plus /bin/ls as one coreutils file of hundreds.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "image/sha256.h"
#include "support/run_pare.h"
#include "support/test_images.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kSchemas = std::string(PARE_SOURCE_DIR) + "/tests/data/schemas/";
const std::string kValidate = std::string(PARE_SOURCE_DIR) + "/tests/support/validate_json_schema.py";

// "name version" lines of dpkg-query -W over ADMINDIR.
std::map<std::string, std::string> dpkg_packages(const std::string& admindir) {
  auto r = test::run({"/usr/bin/dpkg-query", "--admindir=" + admindir, "-W", "-f=${Package} ${Version}\\n"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::map<std::string, std::string> out;
  std::istringstream in(r.out);
  std::string name, version;
  while (in >> name >> version) out[name] = version;
  return out;
}

json read_json(const std::string& p) { return json::parse(test::slurp(p)); }

// Validates DOC with Debian's python3-jsonschema against the vendored schema.
void check_valid(const std::string& doc, bool spdx) {
  std::vector<std::string> argv = {"/usr/bin/python3", kValidate};
  if (spdx) {
    argv.push_back(kSchemas + "spdx-2.3.schema.json");
    argv.push_back(doc);
  } else {
    for (auto s : {"bom-1.5.schema.json", "", "spdx.schema.json", "jsf-0.82.schema.json"})
      argv.push_back(*s ? kSchemas + s : doc);
  }
  auto r = test::run(argv);
  INFO(doc << ": " << r.err);
  CHECK(r.exit_code == 0);
}

// Package names (from purls) a CycloneDX BOM or an SPDX document lists.
std::set<std::string> sbom_packages(const json& doc) {
  std::set<std::string> names;
  auto from_purl = [&](const std::string& purl) {
    REQUIRE(purl.rfind("pkg:deb/debian/", 0) == 0);
    CHECK(purl.find("?arch=") != std::string::npos);
    CHECK(purl.find("&distro=debian-12") != std::string::npos);
    names.insert(purl.substr(15, purl.find('@') - 15));
  };
  if (doc.contains("components")) {
    for (auto& c : doc["components"])
      if (c["type"] == "library") from_purl(c["purl"]);
  } else {
    for (auto& p : doc["packages"])
      if (p.contains("externalRefs"))
        for (auto& r : p["externalRefs"])
          if (r["referenceType"] == "purl") from_purl(r["referenceLocator"]);
  }
  return names;
}

std::set<std::string> keys(const std::map<std::string, std::string>& m) {
  std::set<std::string> out;
  for (auto& [k, v] : m) out.insert(k);
  return out;
}

// One manifest and one dir build, shared by the test cases (built once).
struct NginxBuild {
  test::TempDir d;
  std::string rootfs, manifest, out, report, sbom;
  test::RunResult build;

  NginxBuild() {
    rootfs = test::image_rootfs("nginx");
    // /bin/ls, named through the merged-/usr link like coreutils' list does.
    std::string in = d.write("in.json", R"({"schema_version": 1, "tool": {"name": "pare", "version": "test"},
      "target": {"command": ["/usr/sbin/nginx"], "root": "/"}, "started_at": "2026-11-28T20:00:00.000Z",
      "ended_at": "2026-11-28T20:00:01.000Z", "complete": true, "incomplete_reasons": [], "drops": {},
      "truncated": 0, "blind_spots": [], "missing": {}, "unbacked": {},
      "paths": {"/usr/sbin/nginx": {"type": "file", "kinds": ["exec"], "why": ["traced"], "count": 1},
                "/bin/ls": {"type": "file", "kinds": ["exec"], "why": ["traced"], "count": 1}},
      "processes": {"/usr/sbin/nginx": {"execs": 1, "scripts": []}, "/bin/ls": {"execs": 1, "scripts": []}}})");
    manifest = d / "m.json";
    auto m = test::run_pare({"manifest", "--rootfs", rootfs, in, "-o", manifest});
    INFO(m.err);
    REQUIRE(m.exit_code == 0);
    out = d / "out";
    report = d / "report.json";
    sbom = d / "sbom.cdx.json";
    build = test::run_pare({"build", "--manifest", manifest, "--from", rootfs, "-o", out, "--report", report,
                            "--sbom", sbom});
    INFO(build.err);
    REQUIRE(build.exit_code == 0);
  }
};

NginxBuild& nginx_build() {
  static NginxBuild b;
  return b;
}

}  // namespace

TEST_CASE("build writes a package database dpkg-query reads: kept packages only, the source's versions",
          "[build][packages]") {
  auto& b = nginx_build();
  auto source = dpkg_packages(b.rootfs + "/var/lib/dpkg");
  auto kept = dpkg_packages(b.out + "/var/lib/dpkg");
  for (auto p : {"nginx", "libc6", "libssl3", "libpcre2-8-0", "zlib1g", "coreutils"}) {
    INFO(p);
    CHECK(kept.count(p));
  }
  for (auto p : {"apt", "perl-base", "dpkg", "bash", "debconf", "tar"}) {
    INFO(p);
    CHECK_FALSE(kept.count(p));
  }
  for (auto& [name, version] : kept) {
    INFO(name);
    REQUIRE(source.count(name));
    CHECK(version == source[name]);
  }
  CHECK(kept.size() < source.size() / 3);

  // coreutils keeps one file of hundreds: listed, and its list names only that file (as dpkg spells it).
  auto files = test::run({"/usr/bin/dpkg-query", "--admindir=" + b.out + "/var/lib/dpkg", "-L", "coreutils"});
  REQUIRE(files.exit_code == 0);
  CHECK(files.out.find("/bin/ls\n") != std::string::npos);
  CHECK(files.out.find("/bin/cat\n") == std::string::npos);
  // The trimmed lists and checksums agree with the image: dpkg verifies the kept files.
  auto verify = test::run({"/usr/bin/dpkg", "--root=" + b.out, "--verify", "coreutils", "libc6", "nginx"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  CHECK(verify.out.empty());
}

TEST_CASE("build report: packages before -> after, files kept/total, removed packages, unowned files",
          "[build][packages]") {
  auto& b = nginx_build();
  json p = read_json(b.report)["packages"];
  auto source = dpkg_packages(b.rootfs + "/var/lib/dpkg");
  auto kept = dpkg_packages(b.out + "/var/lib/dpkg");
  CHECK(p["before"] == source.size());
  CHECK(p["after"] == kept.size());
  CHECK(p["removed"].size() + kept.size() == source.size());
  std::set<std::string> removed;
  for (auto& r : p["removed"]) removed.insert(r["name"]);
  CHECK(removed.count("apt"));
  CHECK(removed.count("perl-base"));
  bool coreutils = false;
  for (auto& k : p["kept"]) {
    CHECK(k["files_kept"] > 0);
    CHECK(k["files_kept"] <= k["files_total"]);
    if (k["name"] == "coreutils") {
      coreutils = true;
      CHECK(k["files_kept"] == 1);
      CHECK(k["files_total"] > 50);
      CHECK(k["bytes_kept"] == fs::file_size(b.out + "/usr/bin/ls"));
    }
  }
  CHECK(coreutils);
  // /etc/ld.so.cache (rule ld.so.cache) is made by ldconfig, listed by no package.
  bool ld_cache = false;
  for (auto& f : p["unowned_files"])
    if (f["path"] == "/etc/ld.so.cache") ld_cache = f["bytes"] == fs::file_size(b.out + "/etc/ld.so.cache");
  CHECK(ld_cache);
  CHECK(p["database_written"] == true);
  std::set<std::string> db_files;
  for (auto& f : p["database_files"]) {
    CHECK(f["why"] == "rule package-db");
    db_files.insert(f["path"]);
  }
  CHECK(db_files.count("/var/lib/dpkg/status"));
  CHECK(db_files.count("/var/lib/dpkg/info/coreutils.list"));
  CHECK(b.build.err.find("packages: " + std::to_string(source.size()) + " -> " + std::to_string(kept.size())) !=
        std::string::npos);
  CHECK(b.build.err.find("/etc/ld.so.cache") != std::string::npos);
}

TEST_CASE("build --sbom: CycloneDX 1.5 and SPDX 2.3 that validate and list the package database's packages",
          "[build][packages][sbom]") {
  auto& b = nginx_build();
  auto kept = keys(dpkg_packages(b.out + "/var/lib/dpkg"));
  check_valid(b.sbom, false);
  json cdx = read_json(b.sbom);
  CHECK(sbom_packages(cdx) == kept);
  // Kept files carry their SHA-256; a file no package owns is a top-level file component.
  std::string nginx_sha = pare::sha256_file_hex(b.out + "/usr/sbin/nginx");
  bool nginx_file = false, unowned_cache = false;
  for (auto& c : cdx["components"]) {
    if (c["type"] == "file" && c["name"] == "/etc/ld.so.cache") unowned_cache = true;
    if (c["type"] == "library" && c["name"] == "nginx")
      for (auto& f : c["components"])
        if (f["name"] == "/usr/sbin/nginx")
          for (auto& h : f["hashes"])
            if (h["alg"] == "SHA-256") nginx_file = h["content"] == nginx_sha;
  }
  CHECK(nginx_file);
  CHECK(unowned_cache);

  // SPDX from the same inputs: the same packages. And the same document twice.
  std::string spdx = b.d / "sbom.spdx.json";
  for (int i = 0; i < 2; ++i) {
    if (i) sleep(1);  // a time taken from the clock would differ now
    auto r = test::run_pare({"build", "--manifest", b.manifest, "--from", b.rootfs, "-o", b.d / "spdx-out", "--force",
                             "--sbom", spdx + std::to_string(i), "--sbom-format", "spdx"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  check_valid(spdx + "0", true);
  CHECK(sbom_packages(read_json(spdx + "0")) == kept);
  CHECK(test::slurp(spdx + "0") == test::slurp(spdx + "1"));
}

TEST_CASE("build --no-package-db: no database in the image, the report still attributes", "[build][packages]") {
  auto& b = nginx_build();
  std::string out = b.d / "nodb";
  auto r = test::run_pare({"build", "--manifest", b.manifest, "--from", b.rootfs, "-o", out, "--no-package-db",
                           "--report", b.d / "nodb.json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(fs::exists(out + "/var/lib/dpkg/status"));
  CHECK_FALSE(fs::exists(out + "/var/lib/dpkg/info"));
  json p = read_json(b.d / "nodb.json")["packages"];
  CHECK(p["database_written"] == false);
  CHECK(p["database_files"].empty());
  CHECK(p["after"] == read_json(b.report)["packages"]["after"]);
  CHECK(r.err.find("package database: not written (--no-package-db)") != std::string::npos);
}

TEST_CASE("build --format oci with the package database: identical digests for identical inputs", "[build][packages]") {
  auto& b = nginx_build();
  std::vector<std::string> index;
  for (int i = 0; i < 2; ++i) {
    if (i) sleep(1);  // a time taken from the clock would differ now
    std::string out = b.d / ("oci" + std::to_string(i));
    auto r = test::run_pare({"build", "--manifest", b.manifest, "--from", b.rootfs, "-o", out, "--format", "oci"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    index.push_back(test::slurp(out + "/index.json"));
  }
  CHECK(index[0] == index[1]);
  CHECK(read_json(b.d / "oci0/index.json")["manifests"][0]["digest"].get<std::string>().rfind("sha256:", 0) == 0);
}

TEST_CASE("pare sbom of the fat image lists every package of its database", "[build][packages][sbom]") {
  auto& b = nginx_build();
  std::string out = b.d / "fat.cdx.json";
  auto r = test::run_pare({"sbom", "--from", b.rootfs, "-o", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto source = keys(dpkg_packages(b.rootfs + "/var/lib/dpkg"));
  // Not schema-checked again: the same writer as build --sbom's, and 5000+
  // files take the validator seconds.
  json fat = read_json(out);
  CHECK(fat["specVersion"] == "1.5");
  CHECK(sbom_packages(fat) == source);
  CHECK(sbom_packages(read_json(b.sbom)).size() < source.size());
  // Unknown formats and missing sources: one line, the usual exit codes.
  CHECK(test::run_pare({"sbom", "--from", b.rootfs, "--sbom-format", "swid"}).exit_code == 2);
  CHECK(test::run_pare({"sbom", "--from", b.d / "nope"}).exit_code == 4);
}
