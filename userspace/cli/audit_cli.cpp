#include <memory>

#include "audit/audit_command.h"
#include "cli/commands.h"

namespace pare {

Command add_audit_command(CLI::App& app) {
  auto opts = std::make_shared<AuditCommandOptions>();
  auto* cmd = app.add_subcommand(
      "audit",
      "Trace a target like record and report every access its manifest does not allow, one JSON line each.\n"
      "Examples:\n"
      "  pare audit --manifest app.json -- python3 app.py\n"
      "  pare audit --manifest app.json --pid 1234 -o findings.jsonl     (until Ctrl-C)\n"
      "  pare audit --manifest app.json --container web --duration 3600\n"
      "  pare audit --manifest app.json --bundle ./bundle --http-probe http://127.0.0.1:8080/ --fail-fast\n"
      "A finding: an exec, open (read/write/create), library load, directory listing, checked path or\n"
      "failed lookup outside the manifest, a syscall outside its set, or io_uring use. Each (kind, path)\n"
      "is reported once unless --all. A summary goes to stderr; Ctrl-C ends the audit like --duration.\n"
      "Exit: 0 no findings, 1 findings, 2 usage, 3 environment, 4 bad manifest, 5 target, 6 traffic failed.");
  cmd->add_option("--manifest", opts->manifest_path, "The allowlist manifest (from pare record / slim --save-manifest)")
      ->required()
      ->type_name("M");
  cmd->add_option("-o,--output", opts->output, "Write the findings (JSON lines) here (default: stdout)");
  cmd->add_flag("--all", opts->all, "Report every hit, not only the first per (kind, path)");
  cmd->add_flag("--fail-fast", opts->fail_fast, "Stop the audit (and the target) at the first finding");
  auto targets_parsed = add_target_options(cmd, opts->run);
  add_traffic_options(cmd, opts->run.traffic);
  return {cmd, [=] {
            targets_parsed();
            return run_audit(*opts);
          }};
}

}  // namespace pare
