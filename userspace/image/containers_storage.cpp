#include "image/containers_storage.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>

#include "common/error.h"
#include "common/subprocess.h"
#include "image/unpack_budget.h"

namespace pare {

namespace {

namespace fs = std::filesystem;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string tool_says(const std::string& tool, const ToolRun& r) {
  return tool + (r.err_line.empty() ? " exited " + std::to_string(r.exit_code) : ": " + r.err_line);
}

// Bytes under DIR (regular files), for the budget's account of the export.
uint64_t tree_bytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  return total;
}

void export_with_podman(const std::string& podman, const std::string& name, const std::string& layout_dir,
                        UnpackBudget& budget, const std::string& shown) {
  ToolRun size = run_tool({podman, "image", "inspect", "--format", "{{.Size}}", name});
  if (size.exit_code != 0)
    throw Error(kExitBadInput, shown + ": no such image in podman's storage (" + tool_says("podman", size) + ")");
  // The unpacked size, an upper bound for the (compressed) export: refused
  // before anything is written when it could not fit.
  try {
    budget.check_fits(std::stoull(trim(size.out)), shown, UnpackUse::kScratch);
  } catch (const std::logic_error&) {
    spdlog::debug("podman gave no size for {}: {}", name, size.out);
  }
  spdlog::info("exporting {} with podman save", name);
  ToolRun save = run_tool({podman, "save", "--quiet", "--format", "oci-dir", "-o", layout_dir, name});
  if (save.exit_code != 0) throw Error(kExitBadInput, shown + ": podman save failed (" + tool_says("podman", save) + ")");
}

void export_with_skopeo(const std::string& skopeo, const std::string& name, const std::string& layout_dir,
                        const std::string& shown) {
  spdlog::info("exporting {} with skopeo copy", name);
  ToolRun copy = run_tool({skopeo, "copy", "--quiet", "containers-storage:" + name, "oci:" + layout_dir});
  if (copy.exit_code != 0)
    throw Error(kExitBadInput, shown + ": skopeo cannot export it (" + tool_says("skopeo", copy) + ")");
}

}  // namespace

void export_storage_image(const std::string& name, const std::string& layout_dir, UnpackBudget& budget,
                          const std::string& shown) {
  if (name.empty()) throw Error(kExitBadInput, shown + ": no image name after the ':'");
  std::string podman = find_tool("podman");
  std::string skopeo = podman.empty() ? find_tool("skopeo") : "";
  if (podman.empty() && skopeo.empty())
    throw Error(kExitEnvironment, shown + ": reading containers-storage needs podman or skopeo: install one "
                                          "(apt-get install podman) or export the image yourself (podman save)");
  if (!podman.empty())
    export_with_podman(podman, name, layout_dir, budget, shown);
  else
    export_with_skopeo(skopeo, name, layout_dir, shown);
  budget.charge(tree_bytes(layout_dir), shown + " (exported)", UnpackUse::kScratch);
}

void require_podman(const std::string& why) {
  if (find_tool("podman").empty())
    throw Error(kExitEnvironment, why + " needs podman, which is not installed (apt-get install podman)");
}

std::string podman_load(const std::string& file, const std::string& config_digest) {
  std::string podman = find_tool("podman");
  if (podman.empty()) throw Error(kExitEnvironment, "podman is not installed (apt-get install podman)");
  ToolRun load = run_tool({podman, "load", "--quiet", "-i", file});
  if (load.exit_code != 0) throw Error(kExitFailure, "podman load of " + file + " failed (" + tool_says("podman", load) + ")");
  std::string hex = config_digest.substr(config_digest.find(':') + 1);
  ToolRun id = run_tool({podman, "image", "inspect", "--format", "{{.Id}}", hex});
  if (id.exit_code != 0)
    throw Error(kExitFailure, "podman loaded " + file + " but has no image " + hex + " (" + tool_says("podman", id) + ")");
  return trim(id.out);
}

}  // namespace pare
