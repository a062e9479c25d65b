// pare command line: parses options (CLI11), maps errors to one line on stderr
// and the documented exit codes. Each command's work lives in its own module.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/logging.h"
#include "common/version.h"
#include "record/recorder.h"

namespace {

constexpr const char* kRecordHelp =
    "Trace a command (or a running process) and its descendants; write the allowlist manifest.\n"
    "Examples:\n"
    "  pare record -o app.json -- python3 app.py\n"
    "  pare record --pid 1234 --duration 60 -o app.json";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pare: record what a containerized app really uses and derive its allowlist manifest", "pare"};
  app.set_version_flag("--version", pare::kVersion);
  app.require_subcommand(1);
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "More log detail on stderr (-vv for debug)");

  pare::RecordOptions rec;
  double duration = 0;
  pid_t pid = 0;
  auto* record = app.add_subcommand("record", kRecordHelp);
  record->add_option("-o,--output", rec.output, "Write the manifest here (default: stdout)");
  record->add_option("--events", rec.events_path, "Also write every decoded record as JSON lines to FILE");
  auto* dur = record->add_option("--duration", duration, "Stop after SECONDS (the target is sent SIGTERM)")
                  ->check(CLI::PositiveNumber);
  auto* pid_opt = record->add_option("--pid", pid, "Attach to running process PID and its descendants")
                      ->check(CLI::PositiveNumber);
  auto* cmd_opt = record->add_option("command", rec.command, "-- CMD [ARGS...]: the command to run and trace");
  pid_opt->excludes(cmd_opt);
  record->fallthrough();

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
  try {
    if (record->parsed()) {
      if (dur->count()) rec.duration_s = duration;
      if (pid_opt->count()) rec.pid = pid;
      return pare::run_record(rec);
    }
  } catch (const pare::Error& e) {
    std::fprintf(stderr, "pare: error: %s\n", e.what());
    return e.code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pare: error: %s\n", e.what());
    return pare::kExitFailure;
  }
  return pare::kExitUsage;
}
