#include "sbom/sbom_command.h"

#include <cstdio>
#include <filesystem>
#include <optional>

#include <spdlog/spdlog.h>

#include "build/package_db.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/name_encoding.h"
#include "common/output_file.h"
#include "common/scratch_dir.h"
#include "image/image_source.h"
#include "resolve/root_fs.h"
#include "sbom/inventory.h"
#include "sbom/sbom_format.h"

namespace pare {

namespace fs = std::filesystem;

int run_sbom(const SbomOptions& o) {
  check_sbom_format(o.format);
  OutputPlan plan = plan_output(o.output, "-o");
  SourceName ref = source_name(o.from);
  check_outputs({plan}, {source_file_path(o.from)});
  SourceKind kind = detect_source_kind(o.from);
  std::string name = fs::path(ref.path).lexically_normal().filename().string();
  if (name.empty() || name == ".") name = fs::absolute(ref.path).lexically_normal().parent_path().filename().string();
  // An image is unpacked next to the SBOM file, or in $TMPDIR when it goes to stdout.
  std::optional<ScratchDir> work;
  std::string root = ref.path;
  if (kind != SourceKind::kRootfsDir) {
    work.emplace(plan.kind == OutputKind::kFile ? plan.path : (fs::temp_directory_path() / "pare-sbom").string());
    root = *work / "source";
    fs::create_directory(root);
    spdlog::info("unpacking {}", o.from);
    unpack_image(o.from, root, o.max_unpacked_size);
  }
  RootFs fs_root(root);
  PackageStep step = packages_of_tree(fs_root);
  Inventory inv = take_inventory(fs_root, step, name, ref.tag);
  throw_if_interrupted();
  OutputFile out(plan);
  out.write(sbom_text(inv, o.format));
  out.commit();
  std::fprintf(stderr, "pare sbom: %s: %zu packages, %zu files (%s)%s\n", printable_name(o.from).c_str(),
               inv.packages.size(), inv.files.size(), o.format.c_str(),
               step.db ? "" : (" - " + step.none_reason).c_str());
  return kExitOk;
}

}  // namespace pare
