// pare command line: registers the subcommands, maps errors to one line on
// stderr and the documented exit codes. Each command's work lives in its own module.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <vector>

#include "cli/commands.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/logging.h"
#include "common/version.h"

int main(int argc, char** argv) {
  CLI::App app{"pare: record what a containerized app really uses; derive its allowlist manifest and a minimal image",
               "pare"};
  app.set_version_flag("--version", pare::kVersion);
  app.require_subcommand(1);
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "More log detail on stderr (-vv for debug)");

  std::vector<pare::Command> commands = {
      pare::add_record_command(app), pare::add_manifest_command(app), pare::add_merge_command(app),
      pare::add_diff_command(app),   pare::add_build_command(app),    pare::add_slim_command(app),
      pare::add_seccomp_command(app), pare::add_audit_command(app),  pare::add_sbom_command(app),
      pare::add_agent_command(app),
  };
  for (auto& c : commands) {
    c.app->fallthrough();
    // Repeatable options take one value per occurrence: `--traffic A --include B -- CMD -g x`
    // must not let --traffic swallow what follows it.
    for (CLI::Option* opt : c.app->get_options())
      if (!opt->get_positional() && opt->get_expected_max() > 1) opt->allow_extra_args(false);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "pare: error: %s (see 'pare --help')\n", e.what());
    return pare::kExitUsage;
  }

  pare::setup_logging(verbosity);
  pare::install_interrupt_handlers();
  try {
    for (auto& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const pare::Interrupted& e) {
    // Destructors have removed every temporary and scratch directory by now.
    std::fprintf(stderr, "pare: error: %s; nothing was written\n", e.what());
    return e.code();
  } catch (const pare::Error& e) {
    std::fprintf(stderr, "pare: error: %s\n", e.what());
    return e.code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pare: error: %s\n", e.what());
    return pare::kExitFailure;
  }
  return pare::kExitUsage;
}
