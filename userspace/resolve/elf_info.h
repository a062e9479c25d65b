// What the dynamic loader needs from an ELF file: its PT_INTERP (mapped by the
// kernel itself, so tracing never sees an open of it), DT_NEEDED, DT_RPATH and
// DT_RUNPATH, and class/machine to reject a library of the wrong kind. Read
// with libelf through RootFs, so a hostile image cannot point us elsewhere.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "resolve/root_fs.h"

namespace pare {

struct ElfInfo {
  int elf_class = 0;  // ELFCLASS32 / ELFCLASS64
  int machine = 0;    // EM_X86_64 ...
  std::optional<std::string> interp;
  std::vector<std::string> needed;
  std::vector<std::string> rpath;    // DT_RPATH, split on ':'
  std::vector<std::string> runpath;  // DT_RUNPATH, split on ':'
};

// nullopt when PATH is not an ELF file (script, data, unreadable).
std::optional<ElfInfo> read_elf_info(const RootFs& fs, const std::string& path);

// PT_INTERP only; nullopt for static binaries and non-ELF files.
std::optional<std::string> elf_interpreter(const RootFs& fs, const std::string& path);

}  // namespace pare
