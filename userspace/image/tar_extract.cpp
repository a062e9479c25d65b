#include "image/tar_extract.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/error.h"
#include "common/write_all.h"
#include "common/interrupt.h"
#include "image/archive_util.h"
#include "image/layer_paths.h"
#include "image/safe_fs.h"
#include "image/unpack_budget.h"

namespace pare {

std::string outer_entry_name(const char* raw) {
  if (!raw) return "";
  try {
    return clean_entry_path(raw, "");
  } catch (const Error&) {
    return "";
  }
}

void copy_tar_entry(archive* a, archive_entry* e, const std::string& name, const std::string& path,
                    const std::string& file, UnpackBudget& budget) {
  la_int64_t declared = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
  EntryMeter meter(budget, declared > 0 ? static_cast<uint64_t>(declared) : 0, file + ": '" + name + "'",
                   UnpackUse::kScratch);
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) throw Error(kExitFailure, errno_message("cannot write " + path, errno));
  std::vector<char> buf(1 << 16);
  uint64_t written = 0;
  la_ssize_t n;
  while ((n = archive_read_data(a, buf.data(), buf.size())) > 0) {
    throw_if_interrupted();
    written += static_cast<uint64_t>(n);
    meter.writing_up_to(written);
    write_all(fd.get(), buf.data(), static_cast<size_t>(n), path);
  }
  if (close(fd.release()) != 0) throw Error(kExitFailure, errno_message("cannot write " + path, errno));
  if (n < 0) throw Error(kExitBadInput, file + ": cannot read '" + name + "': " + archive_error(a));
}

}  // namespace pare
