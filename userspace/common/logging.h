// Logs go to stderr through spdlog; quiet (warnings) by default, -v info, -vv debug.
#pragma once

namespace pare {
void setup_logging(int verbosity);
}
