#include "sbom/spdx.h"

#include <algorithm>
#include <cctype>

#include "common/name_encoding.h"
#include "common/version.h"
#include "sbom/file_digest.h"

namespace pare {

namespace {

using nlohmann::json;

// SPDXIDs (and our namespace URIs) allow [A-Za-z0-9.-]: "libstdc++6" becomes "libstdc--6".
std::string id_safe(const std::string& name) {
  std::string out;
  for (unsigned char c : name) out += (std::isalnum(c) || c == '.' || c == '-') ? static_cast<char>(c) : '-';
  return out;
}

// A running number keeps every id unique.
std::string spdx_id(const std::string& kind, const std::string& name, size_t n) {
  return "SPDXRef-" + kind + "-" + id_safe(name) + "-" + std::to_string(n);
}

json relationship(const std::string& from, const std::string& type, const std::string& to) {
  return {{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}};
}

// SPDX 2.3 section 7.9: SHA-1 of the sorted SHA-1s of the package's files.
std::string verification_code(const Inventory& inv, const SbomPackage& p) {
  std::vector<std::string> sums;
  for (size_t i : p.files) sums.push_back(inv.files[i].sha1);
  std::sort(sums.begin(), sums.end());
  std::string all;
  for (auto& s : sums) all += s;
  return sha1_hex(all);
}

}  // namespace

nlohmann::json spdx_document(const Inventory& inv) {
  const std::string image_id = "SPDXRef-Image";
  json image = {{"SPDXID", image_id},
                {"name", encode_name(inv.name)},
                {"downloadLocation", "NOASSERTION"},
                {"filesAnalyzed", false},
                {"primaryPackagePurpose", "CONTAINER"}};
  if (!inv.version.empty()) image["versionInfo"] = encode_name(inv.version);
  json packages = json::array({image}), files = json::array(), rels = json::array();
  rels.push_back(relationship("SPDXRef-DOCUMENT", "DESCRIBES", image_id));
  if (inv.os && !inv.os->id.empty()) {
    json os = {{"SPDXID", "SPDXRef-OperatingSystem"},
               {"name", encode_name(inv.os->id)},
               {"downloadLocation", "NOASSERTION"},
               {"filesAnalyzed", false},
               {"primaryPackagePurpose", "OPERATING_SYSTEM"}};
    if (!inv.os->version_id.empty()) os["versionInfo"] = encode_name(inv.os->version_id);
    if (!inv.os->pretty_name.empty()) os["description"] = encode_name(inv.os->pretty_name);
    packages.push_back(os);
    rels.push_back(relationship(image_id, "CONTAINS", "SPDXRef-OperatingSystem"));
  }
  std::vector<std::string> file_ids;
  for (size_t i = 0; i < inv.files.size(); ++i) {
    auto& f = inv.files[i];
    file_ids.push_back("SPDXRef-File-" + std::to_string(i + 1));
    files.push_back({{"SPDXID", file_ids.back()},
                     {"fileName", "." + encode_name(f.path)},
                     {"checksums", json::array({{{"algorithm", "SHA1"}, {"checksumValue", f.sha1}},
                                                {{"algorithm", "SHA256"}, {"checksumValue", f.sha256}}})}});
  }
  for (size_t n = 0; n < inv.packages.size(); ++n) {
    auto& p = inv.packages[n];
    std::string id = spdx_id("Package-deb", p.name, n + 1);
    json pkg = {{"SPDXID", id},
                {"name", p.name},
                {"versionInfo", encode_name(p.version)},
                {"downloadLocation", "NOASSERTION"},
                {"supplier", "NOASSERTION"},
                {"sourceInfo", "built from the source package " + encode_name(p.source) + " " + encode_name(p.source_version)},
                {"primaryPackagePurpose", "LIBRARY"},
                {"externalRefs", json::array({{{"referenceCategory", "PACKAGE-MANAGER"},
                                               {"referenceType", "purl"},
                                               {"referenceLocator", encode_name(p.purl)}}})},
                {"comment", "files in this image: " + std::to_string(p.files_kept) + " of " +
                                std::to_string(p.files_total)}};
    if (p.files.empty()) {
      pkg["filesAnalyzed"] = false;  // only symlinks of it kept: no file content to list
    } else {
      pkg["filesAnalyzed"] = true;
      pkg["packageVerificationCode"] = {{"packageVerificationCodeValue", verification_code(inv, p)}};
      json has = json::array();
      for (size_t i : p.files) has.push_back(file_ids[i]);
      pkg["hasFiles"] = has;
    }
    packages.push_back(pkg);
    rels.push_back(relationship(image_id, "CONTAINS", id));
    for (size_t i : p.files) rels.push_back(relationship(id, "CONTAINS", file_ids[i]));
  }
  for (size_t i : inv.unowned) rels.push_back(relationship(image_id, "CONTAINS", file_ids[i]));
  json doc = {{"spdxVersion", "SPDX-2.3"},
              {"dataLicense", "CC0-1.0"},
              {"SPDXID", "SPDXRef-DOCUMENT"},
              {"name", encode_name(inv.name)},
              {"creationInfo", {{"created", sbom_created(inv)}, {"creators", json::array({std::string("Tool: pare-") + kVersion})}}},
              {"packages", packages},
              {"files", files},
              {"relationships", rels}};
  doc["documentNamespace"] = "https://spdx.org/spdxdocs/pare-" + id_safe(inv.name) + "-" + content_uuid(doc.dump());
  return doc;
}

}  // namespace pare
