#include "resolve/elf_info.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cstring>

namespace pare {

namespace {

std::vector<std::string> split_colon(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(':', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

void read_dynamic(Elf* elf, ElfInfo& info) {
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(elf, scn)) != nullptr) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || sh.sh_entsize == 0) continue;
    size_t n = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; i < n; ++i) {
      GElf_Dyn dyn;
      if (!gelf_getdyn(data, static_cast<int>(i), &dyn)) break;
      if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RPATH && dyn.d_tag != DT_RUNPATH) continue;
      const char* s = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
      if (!s) continue;
      if (dyn.d_tag == DT_NEEDED) info.needed.emplace_back(s);
      else if (dyn.d_tag == DT_RPATH) info.rpath = split_colon(s);
      else info.runpath = split_colon(s);
    }
  }
}

}  // namespace

std::optional<ElfInfo> read_elf_info(const RootFs& fs, const std::string& path) {
  if (elf_version(EV_CURRENT) == EV_NONE) return std::nullopt;
  int fd = fs.open_read(path);
  if (fd < 0) return std::nullopt;
  char magic[4] = {};
  std::optional<ElfInfo> out;
  if (pread(fd, magic, 4, 0) == 4 && std::memcmp(magic, ELFMAG, SELFMAG) == 0) {
    Elf* elf = elf_begin(fd, ELF_C_READ, nullptr);
    GElf_Ehdr eh;
    if (elf && elf_kind(elf) == ELF_K_ELF && gelf_getehdr(elf, &eh)) {
      ElfInfo info;
      info.elf_class = gelf_getclass(elf);
      info.machine = eh.e_machine;
      size_t n = 0;
      if (elf_getphdrnum(elf, &n) == 0) {
        for (size_t i = 0; i < n; ++i) {
          GElf_Phdr ph;
          if (!gelf_getphdr(elf, static_cast<int>(i), &ph) || ph.p_type != PT_INTERP) continue;
          if (ph.p_filesz == 0 || ph.p_filesz > 4096) break;
          std::string buf(ph.p_filesz, '\0');
          if (pread(fd, buf.data(), buf.size(), static_cast<off_t>(ph.p_offset)) == static_cast<ssize_t>(buf.size()))
            info.interp = std::string(buf.c_str());
          break;
        }
      }
      read_dynamic(elf, info);
      out = std::move(info);
    }
    if (elf) elf_end(elf);
  }
  close(fd);
  return out;
}

std::optional<std::string> elf_interpreter(const RootFs& fs, const std::string& path) {
  auto info = read_elf_info(fs, path);
  return info ? info->interp : std::nullopt;
}

}  // namespace pare
