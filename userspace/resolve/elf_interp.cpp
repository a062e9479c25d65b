#include "resolve/elf_interp.h"

#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace pare {

std::optional<std::string> elf_interpreter(const RootFs& fs, const std::string& path) {
  if (elf_version(EV_CURRENT) == EV_NONE) return std::nullopt;
  int fd = fs.open_read(path);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> interp;
  Elf* elf = elf_begin(fd, ELF_C_READ, nullptr);
  size_t n = 0;
  if (elf && elf_kind(elf) == ELF_K_ELF && elf_getphdrnum(elf, &n) == 0) {
    for (size_t i = 0; i < n; ++i) {
      GElf_Phdr ph;
      if (!gelf_getphdr(elf, static_cast<int>(i), &ph) || ph.p_type != PT_INTERP) continue;
      if (ph.p_filesz == 0 || ph.p_filesz > 4096) break;
      std::vector<char> buf(ph.p_filesz);
      if (pread(fd, buf.data(), buf.size(), static_cast<off_t>(ph.p_offset)) ==
          static_cast<ssize_t>(buf.size()))
        interp = std::string(buf.data(), strnlen(buf.data(), buf.size()));
      break;
    }
  }
  if (elf) elf_end(elf);
  close(fd);
  return interp;
}

}  // namespace pare
