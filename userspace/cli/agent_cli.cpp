#include <memory>

#include "agent/agent_command.h"
#include "cli/commands.h"
#include "cli/option_checks.h"

namespace pare {

Command add_agent_command(CLI::App& app) {
  auto opts = std::make_shared<AgentOptions>();
  auto no_closure = std::make_shared<bool>(false);
  auto duration = std::make_shared<double>(0);
  auto* cmd = app.add_subcommand(
      "agent",
      "Node agent: record every container the local engine runs, each in its own scope, and keep one\n"
      "manifest per image in DIR (DIR/sha256-<image id>.json), merged across restarts and replicas.\n"
      "Examples:\n"
      "  pare agent --out /var/lib/pare/manifests                     (until SIGTERM/Ctrl-C)\n"
      "  pare agent --out /var/lib/pare/manifests --runtime-cli crictl  (Kubernetes nodes, containerd)\n"
      "Containers are scoped by the kernel at their first exec and named through the engine's CLI; those\n"
      "already running are recorded from then on (marked incomplete). A manifest is merged into its\n"
      "image's file when its container ends and every --flush-interval seconds while it runs.\n"
      "Exit: 0 stopped, every manifest written; 1 a manifest could not be written; 2 usage; 3 environment.");
  cmd->add_option("--out", opts->out_dir, "Directory of the per-image manifests (created if missing)")
      ->required()
      ->type_name("DIR");
  cmd->add_option("--runtime-cli", opts->runtime_cli,
                  "Engine CLI that names the containers: podman (event stream) or crictl (containerd,\n"
                  "CRI-O); default: the first installed")
      ->type_name("CLI");
  cmd->add_option("--flush-interval", opts->flush_interval_s,
                  "Merge running containers' manifests every SECONDS (default 60)")
      ->check(seconds(false));
  cmd->add_option("--claim-timeout", opts->claim_timeout_s,
                  "Ignore a new mount namespace no engine names within SECONDS (default 30)")
      ->check(seconds(false));
  auto* dur = cmd->add_option("--duration", *duration, "Stop after SECONDS, like SIGTERM")->check(seconds(false));
  cmd->add_flag("--no-closure", *no_closure, "Keep only what was traced: no ELF dependencies, rule packs or parents");
  add_closure_options(cmd, opts->closure_opts);
  return {cmd, [=] {
            if (dur->count()) opts->duration_s = *duration;
            opts->closure = !*no_closure;
            return run_agent(*opts);
          }};
}

}  // namespace pare
