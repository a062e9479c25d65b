// `pare audit`: trace a target exactly like `record` and report, as JSON
// lines, every access its manifest does not allow (audit/allowlist.h).
// Exit 0 clean, 1 findings; runs until the target ends, --duration, the
// traffic is done, Ctrl-C, or the first finding with --fail-fast.
#pragma once

#include <string>

#include "record/recorder.h"

namespace pare {

struct AuditCommandOptions {
  RecordOptions run;          // the target, traffic and duration (its closure fields are unused)
  std::string manifest_path;  // --manifest M
  std::string output;         // findings JSONL; stdout when empty
  bool all = false;           // --all: every hit, not the first per (kind, path)
  bool fail_fast = false;     // --fail-fast: stop at the first finding
};

int run_audit(const AuditCommandOptions& opts);

}  // namespace pare
