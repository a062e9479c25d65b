// Each subcommand registers its options and returns how to run it once parsed.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "closure/closure.h"
#include "traffic/traffic_plan.h"

namespace pare {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_record_command(CLI::App& app);
Command add_manifest_command(CLI::App& app);
Command add_merge_command(CLI::App& app);
Command add_diff_command(CLI::App& app);
Command add_seccomp_command(CLI::App& app);
Command add_build_command(CLI::App& app);
Command add_slim_command(CLI::App& app);
Command add_audit_command(CLI::App& app);
Command add_sbom_command(CLI::App& app);
Command add_agent_command(CLI::App& app);

// --no-rule / --include / --exclude, shared by record, manifest and slim.
void add_closure_options(CLI::App* cmd, ClosureOptions& opts);
// -- CMD, --pid, --container, --runtime-cli, --bundle, --runtime, --app-log,
// --user, --duration: the
// target of record and audit. Call the returned function once parsed.
struct RecordOptions;
std::function<void()> add_target_options(CLI::App* cmd, RecordOptions& opts);
// --ready-*, --traffic, --http-probe, --wait-exit, shared by record and slim.
void add_traffic_options(CLI::App* cmd, TrafficPlan& plan);
// --no-package-db, --sbom, --sbom-format, shared by build and slim. Call the
// returned function once parsed.
std::function<void()> add_package_options(CLI::App* cmd, bool& package_db, std::string& sbom_path,
                                          std::string& sbom_format);
// --sbom-format alone (pare sbom).
void add_sbom_format_option(CLI::App* cmd, std::string& format);

}  // namespace pare
