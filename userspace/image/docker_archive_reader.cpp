#include "image/docker_archive_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <set>
#include <vector>

#include "common/error.h"
#include "common/interrupt.h"
#include "image/archive_util.h"
#include "image/layer_paths.h"
#include "image/safe_fs.h"
#include "image/sha256.h"
#include "image/tar_extract.h"
#include "image/unpack_budget.h"

namespace pare {

namespace {

using nlohmann::json;

constexpr int kMaxLinkHops = 8;

// Pass 1 over the outer tar: manifest.json, the regular files there are, and
// the symlinks docker save uses to share identical layers between images.
struct OuterIndex {
  std::string manifest;
  bool has_manifest = false;
  std::set<std::string> files;
  std::map<std::string, std::string> links;  // name -> raw target
};

OuterIndex index_outer(const std::string& file) {
  OuterIndex idx;
  ArchiveReader a = open_tar_reader(file, file);
  archive_entry* e = nullptr;
  int r;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    throw_if_interrupted();
    std::string name = outer_entry_name(archive_entry_pathname(e));
    if (name.empty()) continue;
    if (archive_entry_filetype(e) == AE_IFLNK && archive_entry_symlink(e)) {
      idx.links[name] = archive_entry_symlink(e);
      idx.files.erase(name);
      continue;
    }
    if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) continue;
    idx.files.insert(name);
    idx.links.erase(name);
    if (name == "manifest.json") {
      if (archive_entry_size(e) > static_cast<la_int64_t>(kMaxJsonBytes))
        throw Error(kExitBadInput, file + ": manifest.json is too large");
      idx.manifest.clear();
      char buf[1 << 16];
      la_ssize_t n;
      while ((n = archive_read_data(a.get(), buf, sizeof buf)) > 0) idx.manifest.append(buf, static_cast<size_t>(n));
      if (n < 0) throw Error(kExitBadInput, file + ": cannot read manifest.json: " + archive_error(a.get()));
      idx.has_manifest = true;
    }
  }
  if (r != ARCHIVE_EOF) throw Error(kExitBadInput, file + ": unreadable tar: " + archive_error(a.get()));
  return idx;
}

// NAME with symlinks inside the tar followed, lexically (nothing on disk).
std::string resolve_name(const OuterIndex& idx, const std::string& name, const std::string& file) {
  std::string cur = name;
  for (int hop = 0; hop <= kMaxLinkHops; ++hop) {
    if (idx.files.count(cur)) return cur;
    auto it = idx.links.find(cur);
    if (it == idx.links.end()) throw Error(kExitBadInput, file + ": '" + name + "' listed in manifest.json is missing");
    const std::string& target = it->second;
    std::string joined = target.size() && target[0] == '/' ? target : split_parent(cur).first + "/" + target;
    // Fold ".." lexically; climbing above the archive root makes no sense.
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= joined.size()) {
      size_t j = joined.find('/', i);
      if (j == std::string::npos) j = joined.size();
      std::string c = joined.substr(i, j - i);
      i = j + 1;
      if (c.empty() || c == ".") continue;
      if (c == "..") {
        if (parts.empty()) throw Error(kExitBadInput, file + ": symlink '" + cur + "' points outside the archive");
        parts.pop_back();
      } else {
        parts.push_back(c);
      }
    }
    cur.clear();
    for (auto& p : parts) cur += (cur.empty() ? "" : "/") + p;
  }
  throw Error(kExitBadInput, file + ": too many symlinks resolving '" + name + "'");
}

const json& select_image(const json& manifest, const std::string& tag, const std::string& file) {
  if (!manifest.is_array() || manifest.empty()) throw Error(kExitBadInput, file + ": manifest.json lists no image");
  std::string tags;
  const json* found = nullptr;
  for (const json& m : manifest) {
    if (!m.is_object()) throw Error(kExitBadInput, file + ": manifest.json entry is not an object");
    if (m.contains("RepoTags") && m["RepoTags"].is_array())
      for (const json& t : m["RepoTags"])
        if (t.is_string()) {
          tags += (tags.empty() ? "" : ", ") + t.get<std::string>();
          if (!tag.empty() && t == tag && !found) found = &m;
        }
  }
  if (tag.empty()) {
    if (manifest.size() > 1)
      throw Error(kExitBadInput, file + " holds " + std::to_string(manifest.size()) + " images; name one as " + file +
                                     ":REPO:TAG (tags: " + (tags.empty() ? "none" : tags) + ")");
    return manifest[0];
  }
  if (!found)
    throw Error(kExitBadInput, file + ": no image tagged '" + tag + "' (tags: " + (tags.empty() ? "none" : tags) + ")");
  return *found;
}

// "blobs/sha256/<hex>" or "<hex>.json" name their own digest; "" otherwise.
std::string digest_in_name(const std::string& name) {
  static const std::string kBlobs = "blobs/sha256/";
  if (name.rfind(kBlobs, 0) == 0 && is_sha256_hex(name.substr(kBlobs.size()))) return name.substr(kBlobs.size());
  if (name.size() == 69 && name.compare(64, 5, ".json") == 0 && is_sha256_hex(name.substr(0, 64)))
    return name.substr(0, 64);
  return "";
}

// Pass 2: copies the wanted entries (resolved names) into the scratch dir.
void copy_out(const std::string& file, const std::map<std::string, std::string>& wanted, UnpackBudget& budget) {
  ArchiveReader a = open_tar_reader(file, file);
  archive_entry* e = nullptr;
  int r;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    throw_if_interrupted();
    if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) continue;
    auto it = wanted.find(outer_entry_name(archive_entry_pathname(e)));
    if (it == wanted.end()) continue;
    copy_tar_entry(a.get(), e, it->first, it->second, file, budget);
  }
  if (r != ARCHIVE_EOF) throw Error(kExitBadInput, file + ": unreadable tar: " + archive_error(a.get()));
}

std::string string_field(const json& m, const char* key, const std::string& file) {
  if (!m.contains(key) || !m[key].is_string() || m[key].get<std::string>().empty())
    throw Error(kExitBadInput, file + ": manifest.json entry has no \"" + std::string(key) + "\"");
  return m[key];
}

}  // namespace

TarImageKind probe_image_tar(const std::string& path) {
  ArchiveReader a(archive_read_new());
  if (!a) return TarImageKind::kNotTar;
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) return TarImageKind::kNotTar;
  bool manifest = false, layout = false, index = false, any = false;
  archive_entry* e = nullptr;
  int r;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    any = true;
    std::string name = outer_entry_name(archive_entry_pathname(e));
    manifest |= name == "manifest.json";
    layout |= name == "oci-layout";
    index |= name == "index.json";
  }
  if (!any && r != ARCHIVE_EOF) return TarImageKind::kNotTar;
  if (manifest) return TarImageKind::kDockerArchive;
  if (layout && index) return TarImageKind::kOciArchive;
  return TarImageKind::kOtherTar;
}

ResolvedImage read_docker_archive(const std::string& file, const std::string& tag, const std::string& scratch_parent,
                                  UnpackBudget& budget) {
  OuterIndex idx = index_outer(file);
  if (!idx.has_manifest) throw Error(kExitBadInput, file + ": no manifest.json (not a docker save archive)");
  json manifest = parse_json(idx.manifest, file + ": manifest.json");
  const json& m = select_image(manifest, tag, file);
  std::string config_name = string_field(m, "Config", file);
  if (!m.contains("Layers") || !m["Layers"].is_array())
    throw Error(kExitBadInput, file + ": manifest.json entry has no \"Layers\" array");
  std::vector<std::string> layer_names;
  for (const json& l : m["Layers"]) {
    if (!l.is_string() || l.get<std::string>().empty()) throw Error(kExitBadInput, file + ": malformed \"Layers\" entry");
    layer_names.push_back(l);
  }

  ResolvedImage img;
  img.scratch = std::make_unique<ImageScratchDir>(scratch_parent, "pare-docker");
  std::map<std::string, std::string> wanted;  // resolved entry name -> scratch file
  auto want = [&](const std::string& listed) {
    std::string real = resolve_name(idx, outer_entry_name(listed.c_str()), file);
    auto [it, added] = wanted.emplace(real, "");
    if (added) it->second = *img.scratch / ("blob-" + std::to_string(wanted.size()));
    return std::make_pair(real, it->second);
  };
  auto [config_real, config_path] = want(config_name);
  std::vector<std::pair<std::string, std::string>> layers;
  for (const std::string& n : layer_names) layers.push_back(want(n));
  copy_out(file, wanted, budget);

  if (std::string hex = digest_in_name(config_real); !hex.empty())
    verify_file_sha256(config_path, hex, file + ": image config " + config_name);
  img.config = parse_json(read_small_file(config_path, file + ": image config"), file + ": image config");
  if (!img.config.is_object()) throw Error(kExitBadInput, file + ": image config is not a JSON object");

  // diff_ids are the only digests the legacy layout has for its layers.
  const json* diff_ids = nullptr;
  if (img.config.contains("rootfs") && img.config["rootfs"].is_object() && img.config["rootfs"].contains("diff_ids"))
    diff_ids = &img.config["rootfs"]["diff_ids"];
  if (!diff_ids || !diff_ids->is_array() || diff_ids->size() != layers.size())
    throw Error(kExitBadInput, file + ": image config's rootfs.diff_ids does not list one digest per layer (" +
                                   std::to_string(layers.size()) + " layers)");

  for (size_t i = 0; i < layers.size(); ++i) {
    const auto& [real, path] = layers[i];
    std::string what = file + ": layer " + std::to_string(i + 1) + "/" + std::to_string(layers.size()) + " (" + real + ")";
    std::string raw = sha256_file_hex(path);
    if (std::string hex = digest_in_name(real); !hex.empty() && hex != raw)
      throw Error(kExitBadInput, what + ": content does not match its digest (got sha256:" + raw + ")");
    if (!(*diff_ids)[i].is_string()) throw Error(kExitBadInput, what + ": malformed diff_id");
    std::string diff = digest_hex((*diff_ids)[i].get<std::string>(), what + " diff_id");
    if (raw != diff && decompressed_sha256(path, what) != diff)
      throw Error(kExitBadInput, what + ": content does not match diff_id sha256:" + diff);
    img.layers.push_back({path, what});
  }
  return img;
}

}  // namespace pare
