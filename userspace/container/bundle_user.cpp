#include "container/bundle_user.h"

#include <algorithm>
#include <filesystem>

#include "common/output_file.h"

namespace pare {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool is_bind(const json& mount) {
  if (mount.value("type", std::string()) == "bind") return true;
  auto opts = mount.find("options");
  if (opts == mount.end() || !opts->is_array()) return false;
  return std::any_of(opts->begin(), opts->end(), [](const json& o) { return o == "bind" || o == "rbind"; });
}

}  // namespace

void write_bundle_as_user(const BundleInfo& b, const ProcessUser& user, const std::string& dir) {
  json c = b.config;
  c["root"]["path"] = b.rootfs;  // already absolute
  json& u = c["process"]["user"];
  if (!u.is_object()) u = json::object();
  u["uid"] = user.uid;
  u["gid"] = user.gid;
  u["additionalGids"] = user.additional_gids;
  u.erase("username");  // Windows only; it would name the old user
  if (auto m = c.find("mounts"); m != c.end() && m->is_array())
    for (json& mount : *m) {
      if (!mount.is_object() || !is_bind(mount)) continue;
      auto src = mount.find("source");
      if (src != mount.end() && src->is_string() && !src->get<std::string>().empty() && src->get<std::string>()[0] != '/')
        *src = (fs::path(b.dir) / src->get<std::string>()).lexically_normal().string();
    }
  fs::create_directories(dir);
  write_output(dir + "/config.json", c.dump(2) + "\n");
}

}  // namespace pare
