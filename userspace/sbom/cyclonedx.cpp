#include "sbom/cyclonedx.h"

#include "common/name_encoding.h"
#include "common/version.h"

namespace pare {

namespace {

using nlohmann::json;

json file_component(const SbomFile& f) {
  // Names are bytes: common/name_encoding's lossless form, like every JSON pare writes.
  return {{"type", "file"},
          {"name", encode_name(f.path)},
          {"hashes", json::array({{{"alg", "SHA-1"}, {"content", f.sha1}}, {{"alg", "SHA-256"}, {"content", f.sha256}}})},
          {"properties", json::array({{{"name", "pare:file:size"}, {"value", std::to_string(f.size)}}})}};
}

json property(const std::string& name, const std::string& value) { return {{"name", name}, {"value", value}}; }

}  // namespace

nlohmann::json cyclonedx_bom(const Inventory& inv) {
  json image = {{"type", "container"}, {"bom-ref", "image"}, {"name", encode_name(inv.name)}};
  if (!inv.version.empty()) image["version"] = encode_name(inv.version);
  json components = json::array(), depends = json::array();
  if (inv.os && !inv.os->id.empty()) {
    json os = {{"type", "operating-system"}, {"bom-ref", "os:" + encode_name(inv.os->distro())},
               {"name", encode_name(inv.os->id)}};
    if (!inv.os->version_id.empty()) os["version"] = encode_name(inv.os->version_id);
    if (!inv.os->pretty_name.empty()) os["description"] = encode_name(inv.os->pretty_name);
    depends.push_back(os["bom-ref"]);
    components.push_back(os);
  }
  for (auto& p : inv.packages) {
    json c = {{"type", "library"},
              {"bom-ref", encode_name(p.purl)},
              {"name", p.name},
              {"version", encode_name(p.version)},
              {"purl", encode_name(p.purl)},
              {"properties",
               json::array({property("pare:package:architecture", p.arch),
                            property("pare:package:source", encode_name(p.source)),
                            property("pare:package:source-version", encode_name(p.source_version)),
                            property("pare:package:files-kept", std::to_string(p.files_kept)),
                            property("pare:package:files-total", std::to_string(p.files_total))})}};
    json files = json::array();
    for (size_t i : p.files) files.push_back(file_component(inv.files[i]));
    if (!files.empty()) c["components"] = files;
    depends.push_back(c["bom-ref"]);
    components.push_back(c);
  }
  for (size_t i : inv.unowned) components.push_back(file_component(inv.files[i]));
  json bom = {{"$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json"},
              {"bomFormat", "CycloneDX"},
              {"specVersion", "1.5"},
              {"version", 1},
              {"metadata",
               {{"timestamp", sbom_created(inv)},
                {"tools", {{"components", json::array({{{"type", "application"}, {"name", "pare"}, {"version", kVersion}}})}}},
                {"component", image}}},
              {"components", components},
              {"dependencies", json::array({{{"ref", "image"}, {"dependsOn", depends}}})}};
  bom["serialNumber"] = "urn:uuid:" + content_uuid(bom.dump());
  return bom;
}

}  // namespace pare
