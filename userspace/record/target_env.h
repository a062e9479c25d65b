// The environment a target runs with, and the locale it names: the
// manifest's target.lang (and so the closure's locale rule) describes the
// target, never pare's own environment.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace pare {

// The locale of the target's character handling (LC_CTYPE), from its
// KEY=VALUE environment as glibc picks it: LC_ALL, else LC_CTYPE, else LANG;
// an empty value is unset, a repeated key's last value counts. nullopt: none.
std::optional<std::string> locale_from_env(const std::vector<std::string>& env);

// /proc/PID/environ as KEY=VALUE entries (the environment PID was exec'ed
// with), at most 1 MiB read; empty when it cannot be read.
std::vector<std::string> process_environ(pid_t pid);

// pare's own environment: what `record -- CMD` passes to CMD.
std::vector<std::string> own_environ();

}  // namespace pare
