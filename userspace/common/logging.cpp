#include "common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace pare {

void setup_logging(int verbosity) {
  auto logger = spdlog::stderr_color_mt("pare");
  logger->set_pattern("pare: %^%l%$: %v");
  logger->set_level(verbosity >= 2 ? spdlog::level::debug
                    : verbosity == 1 ? spdlog::level::info
                                     : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace pare
