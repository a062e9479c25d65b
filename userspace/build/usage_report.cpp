#include "build/usage_report.h"

#include <sys/stat.h>

#include "build/size_report.h"
#include "closure/closure.h"
#include "closure/glob.h"
#include "common/interrupt.h"
#include "common/name_encoding.h"

namespace pare {

UsageReport usage_report(const Manifest& m, const RootFs& source, const std::string& out_rootfs) {
  UsageReport u;
  RootFs out(out_rootfs);
  for (auto& [p, e] : m.paths) {
    throw_if_interrupted();
    if (e.created) ++u.created_skipped;
    for (auto& why : e.why) {
      if (why.rfind("state-dir: ", 0) != 0) continue;
      UsageReport::StateDir d{p, why.substr(11)};
      for (auto& f : glob_expand(out, p + "/**")) {
        auto st = out.lstat(f);
        if (st && S_ISREG(st->st_mode)) {
          ++d.files;
          d.bytes += static_cast<uint64_t>(st->st_size);
        }
      }
      u.state_dirs.push_back(d);
    }
    if (e.kinds.count("listed") && !e.pseudo && !is_pseudo_path(p)) {
      UsageReport::ListedDir d{p};
      for (auto& name : source.list_dir(p)) {
        ++d.total;
        if (out.lstat(p == "/" ? "/" + name : p + "/" + name)) ++d.kept;
      }
      if (d.kept < d.total) u.listed_partly_kept.push_back(d);
    }
  }
  return u;
}

void add_usage_to_json(nlohmann::json& report, const UsageReport& u) {
  nlohmann::json state = nlohmann::json::array(), listed = nlohmann::json::array();
  for (auto& d : u.state_dirs)
    state.push_back({{"dir", encode_name(d.dir)}, {"reason", encode_name(d.reason)}, {"files", d.files}, {"bytes", d.bytes}});
  for (auto& d : u.listed_partly_kept)
    listed.push_back({{"dir", encode_name(d.dir)}, {"kept", d.kept}, {"entries", d.total}});
  report["state_dirs"] = state;
  report["listed_dirs_partly_kept"] = listed;
  report["created_by_run_not_copied"] = u.created_skipped;
}

std::string usage_to_text(const UsageReport& u) {
  std::string out;
  for (auto& d : u.state_dirs)
    out += "state dir kept whole: " + printable_name(d.dir) + "  " + human_bytes(d.bytes) + " in " +
           std::to_string(d.files) + " files (" + printable_name(d.reason) + ")\n";
  for (auto& d : u.listed_partly_kept)
    out += "listed by the app, " + std::to_string(d.kept) + " of " + std::to_string(d.total) +
           " entries kept: " + printable_name(d.dir) + " (--include or --keep-listed if it needs them all)\n";
  if (u.created_skipped)
    out += std::to_string(u.created_skipped) + " paths the recorded run created were not copied (see \"created\" in the manifest)\n";
  return out;
}

}  // namespace pare
