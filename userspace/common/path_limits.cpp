#include "common/path_limits.h"

#include <limits.h>

namespace pare {

std::optional<std::string> path_problem(std::string_view path) {
  if (path.empty() || path[0] != '/') return "not an absolute path";
  if (path.find('\0') != std::string_view::npos) return "contains a NUL byte";
  if (path.size() >= PATH_MAX)
    return "longer than PATH_MAX (" + std::to_string(path.size()) + " bytes, limit " + std::to_string(PATH_MAX - 1) + ")";
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end - start > NAME_MAX)
      return "has a component longer than NAME_MAX (" + std::to_string(end - start) + " bytes, limit " +
             std::to_string(NAME_MAX) + ")";
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace pare
