#include <memory>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "manifest/manifest_commands.h"
#include "record/recorder.h"

namespace pare {

void add_traffic_options(CLI::App* cmd, TrafficPlan& plan) {
  cmd->add_option("--ready-tcp", plan.ready_tcp, "Wait until HOST:PORT accepts connections (repeatable)")
      ->type_name("HOST:PORT");
  cmd->add_option("--ready-http", plan.ready_http, "Wait until URL answers 2xx/3xx (repeatable)")->type_name("URL");
  cmd->add_option("--ready-delay", plan.ready_delay_s, "Then wait SECONDS more")->check(seconds(true));
  cmd->add_option("--ready-timeout", plan.ready_timeout_s, "Give up waiting after SECONDS (default 60)")
      ->check(seconds(false));
  cmd->add_option("--stop-timeout", plan.stop_timeout_s, "Seconds between SIGTERM and SIGKILL when stopping the app (default 5)")
      ->check(seconds(true));
  cmd->add_flag("--wait-exit", plan.wait_exit, "Batch app: run the traffic after it exited by itself");
  cmd->add_option("--traffic", plan.commands,
                  "Host shell command that drives the app; must exit 0 (repeatable; never recorded;\n"
                  "PARE_APP_LOG names the app's output file when --app-log is set)")
      ->type_name("CMD");
  cmd->add_option("--http-probe", plan.http_probes,
                  "GET URL; a non-2xx/3xx answer fails the run (repeatable). Without --ready-* options\n"
                  "pare first waits until its HOST:PORT (and an image's ExposedPorts) accept connections")
      ->type_name("URL");
}

void add_closure_options(CLI::App* cmd, ClosureOptions& opts) {
  cmd->add_option("--no-rule", opts.disabled_rules, "Switch off a rule pack (repeatable):\n" + rules_help())
      ->type_name("NAME");
  cmd->add_option("--rule", opts.forced_rules, "Apply a rule pack even when its trigger was not seen (repeatable)")
      ->type_name("NAME");
  cmd->add_option("--include", opts.includes, "Also keep paths matching GLOB (** spans directories; repeatable)")
      ->type_name("GLOB");
  cmd->add_option("--exclude", opts.excludes, "Never keep paths matching GLOB (wins over everything; repeatable)")
      ->type_name("GLOB");
  cmd->add_option("--state-dir", opts.state_dirs, "Keep directory DIR whole: the app's persistent state (repeatable)")
      ->type_name("DIR");
  cmd->add_option("--keep-listed", opts.keep_listed,
                  "Keep every entry of each directory the app listed (getdents) that matches GLOB (repeatable)")
      ->type_name("GLOB");
}

std::function<void()> add_target_options(CLI::App* cmd, RecordOptions& opts) {
  auto duration = std::make_shared<double>(0);
  auto pid = std::make_shared<pid_t>(0);
  auto* dur = cmd->add_option("--duration", *duration, "Stop after SECONDS (the target is sent SIGTERM)")
                  ->check(seconds(false));
  auto* pid_opt = cmd->add_option("--pid", *pid, "Attach to running process PID and its descendants")
                      ->check(whole_number(1, 1 << 22));  // PID_MAX_LIMIT
  auto* cmd_opt = cmd->add_option("command", opts.command, "-- CMD [ARGS...]: the command to run and trace");
  auto* bundle_opt = cmd->add_option("--bundle", opts.bundle, "Run the OCI bundle DIR with runc and trace the container");
  auto* container_opt =
      cmd->add_option("--container", opts.container,
                      "Attach to running container NAME or ID (found with podman, crictl or ctr) and trace its\n"
                      "mount namespace from now on, like --pid of its init; the container is left running")
          ->type_name("NAME|ID");
  cmd->add_option("--runtime-cli", opts.runtime_cli,
                  "How --container finds it: podman, crictl or ctr (default: the first one installed)")
      ->check(CLI::IsMember({"podman", "crictl", "ctr"}))
      ->type_name("CLI")
      ->needs(container_opt);
  cmd->add_option("--runtime", opts.runtime, "OCI runtime for --bundle (default: runc from PATH)");
  cmd->add_option("--app-log", opts.app_log, "Write the container's stdout/stderr to FILE (default: stderr)");
  cmd->add_option("--user", opts.user,
                  "Run the bundle's process as USER[:GROUP] (names from the bundle rootfs's /etc/passwd and\n"
                  "/etc/group, or numbers); the bundle itself is never modified")
      ->type_name("USER[:GROUP]")
      ->check(user_option())
      ->needs(bundle_opt);
  pid_opt->excludes(cmd_opt);
  bundle_opt->excludes(cmd_opt);
  bundle_opt->excludes(pid_opt);
  for (auto* other : {cmd_opt, pid_opt, bundle_opt}) container_opt->excludes(other);
  return [&opts, dur, pid_opt, duration, pid] {
    if (dur->count()) opts.duration_s = *duration;
    if (pid_opt->count()) opts.pid = *pid;
  };
}

Command add_record_command(CLI::App& app) {
  auto opts = std::make_shared<RecordOptions>();
  auto no_closure = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "record",
      "Trace a command (or a running process) and its descendants; write the allowlist manifest.\n"
      "Examples:\n"
      "  pare record -o app.json -- python3 app.py\n"
      "  pare record --pid 1234 --duration 60 -o app.json\n"
      "  pare record --container web --traffic ./smoke-test -o app.json\n"
      "  pare record --bundle ./bundle --ready-tcp 127.0.0.1:8080 --http-probe http://127.0.0.1:8080/ -o app.json\n"
      "When traffic options are given, the target is stopped (SIGTERM, 5 s, SIGKILL) once the traffic is done.\n"
      "A failed readiness wait or traffic keeps the manifest as OUT.partial.json and exits 6.");
  cmd->add_option("-o,--output", opts->output, "Write the manifest here (default: stdout)");
  cmd->add_option("--events", opts->events_path, "Also write every decoded record as JSON lines to FILE");
  auto targets_parsed = add_target_options(cmd, *opts);
  add_traffic_options(cmd, opts->traffic);
  cmd->add_flag("--no-closure", *no_closure, "Keep only what was traced: no ELF dependencies, rule packs or parents");
  add_closure_options(cmd, opts->closure_opts);
  return {cmd, [=] {
            targets_parsed();
            opts->closure = !*no_closure;
            return run_record(*opts);
          }};
}

}  // namespace pare
