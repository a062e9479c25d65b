// The kernel's limits on names, applied to paths from untrusted input
// (manifests, layers, options) before anything acts on them: a path longer
// than PATH_MAX or with a component longer than NAME_MAX can never be opened,
// and letting one through only makes every later step slower or deeper.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pare {

// Why PATH (absolute) is not a usable path, or nullopt when it is.
std::optional<std::string> path_problem(std::string_view path);

}  // namespace pare
