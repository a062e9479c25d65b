// PT_INTERP of an ELF executable: the dynamic loader the kernel maps itself
// (no openat, so tracing never sees it).
#pragma once

#include <optional>
#include <string>

#include "resolve/root_fs.h"

namespace pare {

// nullopt when PATH is not a dynamic ELF (static binary, script, unreadable).
std::optional<std::string> elf_interpreter(const RootFs& fs, const std::string& path);

}  // namespace pare
