#include <memory>

#include "cli/commands.h"
#include "manifest/manifest_commands.h"
#include "record/recorder.h"

namespace pare {

void add_closure_options(CLI::App* cmd, ClosureOptions& opts) {
  cmd->add_option("--no-rule", opts.disabled_rules, "Switch off a rule pack (repeatable):\n" + rules_help())
      ->type_name("NAME");
  cmd->add_option("--include", opts.includes, "Also keep paths matching GLOB (** spans directories; repeatable)")
      ->type_name("GLOB");
  cmd->add_option("--exclude", opts.excludes, "Never keep paths matching GLOB (wins over everything; repeatable)")
      ->type_name("GLOB");
}

Command add_record_command(CLI::App& app) {
  auto opts = std::make_shared<RecordOptions>();
  auto duration = std::make_shared<double>(0);
  auto pid = std::make_shared<pid_t>(0);
  auto no_closure = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "record",
      "Trace a command (or a running process) and its descendants; write the allowlist manifest.\n"
      "Examples:\n"
      "  pare record -o app.json -- python3 app.py\n"
      "  pare record --pid 1234 --duration 60 -o app.json");
  cmd->add_option("-o,--output", opts->output, "Write the manifest here (default: stdout)");
  cmd->add_option("--events", opts->events_path, "Also write every decoded record as JSON lines to FILE");
  auto* dur = cmd->add_option("--duration", *duration, "Stop after SECONDS (the target is sent SIGTERM)")
                  ->check(CLI::PositiveNumber);
  auto* pid_opt = cmd->add_option("--pid", *pid, "Attach to running process PID and its descendants")
                      ->check(CLI::PositiveNumber);
  auto* cmd_opt = cmd->add_option("command", opts->command, "-- CMD [ARGS...]: the command to run and trace");
  pid_opt->excludes(cmd_opt);
  cmd->add_flag("--no-closure", *no_closure, "Keep only what was traced: no ELF dependencies, rule packs or parents");
  add_closure_options(cmd, opts->closure_opts);
  return {cmd, [=] {
            if (dur->count()) opts->duration_s = *duration;
            if (pid_opt->count()) opts->pid = *pid;
            opts->closure = !*no_closure;
            return run_record(*opts);
          }};
}

}  // namespace pare
