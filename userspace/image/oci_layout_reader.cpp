#include "image/oci_layout_reader.h"

#include <sys/stat.h>

#include "common/error.h"
#include "image/sha256.h"

namespace pare {

namespace {

using nlohmann::json;

const std::string kOciIndex = "application/vnd.oci.image.index.v1+json";
const std::string kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
const std::string kOciManifest = "application/vnd.oci.image.manifest.v1+json";
const std::string kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr int kMaxIndexDepth = 4;  // index -> index -> ... a loop must end somewhere

struct Layout {
  std::string dir;
  std::string shown;  // the source as the user named it

  // The verified file of a blob descriptor: digest checked for form (no path
  // tricks) before it names a file, size and content checked before use.
  std::string blob(const json& desc, const std::string& what) const {
    if (!desc.is_object() || !desc.contains("digest") || !desc["digest"].is_string())
      throw Error(kExitBadInput, what + ": descriptor without a digest in " + shown);
    std::string digest = desc["digest"].get<std::string>();
    std::string hex = digest_hex(digest, what + " in " + shown);
    std::string path = dir + "/blobs/sha256/" + hex;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      throw Error(kExitBadInput, what + ": blob " + digest + " is missing from " + shown);
    if (desc.contains("size") && desc["size"].is_number_integer() && desc["size"].get<int64_t>() != st.st_size)
      throw Error(kExitBadInput, what + ": blob " + digest + " has " + std::to_string(st.st_size) +
                                     " bytes, its descriptor says " + desc["size"].dump());
    verify_file_sha256(path, hex, what + " (" + digest + ") in " + shown);
    return path;
  }

  json blob_json(const json& desc, const std::string& what) const {
    return parse_json(read_small_file(blob(desc, what), what), what + " in " + shown);
  }
};

std::string media_type(const json& desc, const json& doc) {
  if (desc.contains("mediaType") && desc["mediaType"].is_string()) return desc["mediaType"];
  if (doc.contains("mediaType") && doc["mediaType"].is_string()) return doc["mediaType"];
  return doc.contains("manifests") ? kOciIndex : kOciManifest;
}

bool is_index(const std::string& mt) { return mt == kOciIndex || mt == kDockerList; }

const json& manifests_of(const json& index, const std::string& what) {
  if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array())
    throw Error(kExitBadInput, what + ": no \"manifests\" array");
  return index["manifests"];
}

std::string ref_name(const json& desc) {
  if (desc.is_object() && desc.contains("annotations") && desc["annotations"].is_object()) {
    auto it = desc["annotations"].find(kRefNameAnnotation);
    if (it != desc["annotations"].end() && it->is_string()) return *it;
  }
  return "";
}

std::string list_tags(const json& manifests) {
  std::string out;
  for (const json& d : manifests) {
    std::string t = ref_name(d);
    if (t.empty()) continue;
    out += (out.empty() ? "" : ", ") + t;
  }
  return out.empty() ? "none" : out;
}

const json& select_tagged(const json& manifests, const std::string& tag, const Layout& l) {
  const json* found = nullptr;
  for (const json& d : manifests) {
    if (tag.empty() || ref_name(d) == tag) {
      if (found && found->value("digest", "") != d.value("digest", "")) {
        if (tag.empty())
          throw Error(kExitBadInput, l.shown + " holds several images; name one as " + l.shown +
                                         ":TAG (tags: " + list_tags(manifests) + ")");
        throw Error(kExitBadInput, l.shown + ": tag '" + tag + "' names several different images");
      }
      found = &d;
    }
  }
  if (!found) {
    if (tag.empty()) throw Error(kExitBadInput, l.shown + ": index.json lists no image");
    throw Error(kExitBadInput, l.shown + ": no image tagged '" + tag + "' (tags: " + list_tags(manifests) + ")");
  }
  return *found;
}

// In a nested index (a multi-platform image), the linux/amd64 image.
const json& select_platform(const json& manifests, const std::string& what) {
  for (const json& d : manifests) {
    if (!d.is_object() || !d.contains("platform") || !d["platform"].is_object()) continue;
    const json& p = d["platform"];
    if (p.value("os", "") == "linux" && p.value("architecture", "") == "amd64") return d;
  }
  throw Error(kExitBadInput, what + ": no linux/amd64 image in this multi-platform index");
}

bool supported_layer_type(const std::string& mt) {
  if (mt.find("+encrypted") != std::string::npos) return false;
  return mt.empty() || mt.rfind("application/vnd.oci.image.layer.", 0) == 0 ||
         mt.rfind("application/vnd.docker.image.rootfs.", 0) == 0;
}

}  // namespace

bool is_oci_layout(const std::string& dir) {
  struct stat a, b;
  return stat((dir + "/oci-layout").c_str(), &a) == 0 && S_ISREG(a.st_mode) &&
         stat((dir + "/index.json").c_str(), &b) == 0 && S_ISREG(b.st_mode);
}

ResolvedImage read_oci_layout(const std::string& dir, const std::string& tag, const std::string& shown) {
  std::string name = shown.empty() ? dir : shown;
  Layout l{dir, tag.empty() ? name : name + ":" + tag};
  json marker = parse_json(read_small_file(dir + "/oci-layout", "oci-layout"), l.shown + "/oci-layout");
  if (!marker.is_object() || !marker.contains("imageLayoutVersion"))
    throw Error(kExitBadInput, l.shown + ": oci-layout has no imageLayoutVersion");

  json index = parse_json(read_small_file(dir + "/index.json", "index.json"), l.shown + "/index.json");
  json desc = select_tagged(manifests_of(index, l.shown + "/index.json"), tag, l);
  json manifest;
  for (int depth = 0;; ++depth) {
    json doc = l.blob_json(desc, "manifest");
    std::string mt = media_type(desc, doc);
    if (!is_index(mt)) {
      if (mt != kOciManifest && mt != kDockerManifest)
        throw Error(kExitBadInput, l.shown + ": unsupported manifest media type '" + mt + "'");
      manifest = std::move(doc);
      break;
    }
    if (depth == kMaxIndexDepth) throw Error(kExitBadInput, l.shown + ": image indexes nested too deeply");
    desc = select_platform(manifests_of(doc, l.shown + " (image index)"), l.shown);
  }

  if (!manifest.is_object() || !manifest.contains("config") || !manifest.contains("layers") ||
      !manifest["layers"].is_array())
    throw Error(kExitBadInput, l.shown + ": manifest lacks \"config\" or \"layers\"");
  ResolvedImage img;
  img.config = l.blob_json(manifest["config"], "image config");
  if (!img.config.is_object()) throw Error(kExitBadInput, l.shown + ": image config is not a JSON object");

  const json& layers = manifest["layers"];
  for (size_t i = 0; i < layers.size(); ++i) {
    const json& d = layers[i];
    std::string what = "layer " + std::to_string(i + 1) + "/" + std::to_string(layers.size());
    std::string mt = d.is_object() ? d.value("mediaType", "") : "";
    if (!supported_layer_type(mt)) throw Error(kExitBadInput, l.shown + ": " + what + " has unsupported media type '" + mt + "'");
    std::string path = l.blob(d, what);  // every layer verified before the first one is applied
    img.layers.push_back({path, what + " (" + d["digest"].get<std::string>() + ") of " + l.shown});
  }
  return img;
}

}  // namespace pare
