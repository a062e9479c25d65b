// write_dir_tar: see dir_tar_writer.h.
#include "image/dir_tar_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "common/error.h"
#include "common/output_file.h"
#include "image/archive_util.h"
#include "image/image_files.h"
#include "image/safe_fs.h"

namespace pare {

void write_dir_tar(const std::string& dir, const std::string& out_tar, const std::string& role) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error(kExitFailure, dir + " is not a directory to pack as " + role);
  std::vector<std::string> entries = sorted_tree(dir);

  OutputFile out(out_tar, role);
  ArchiveWriter a(archive_write_new());
  auto fail = [&](const std::string& msg) {
    throw Error(kExitFailure, out_tar + ": " + msg + ": " + archive_error(a.get()));
  };
  if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
      archive_write_open_FILE(a.get(), out.stream()) != ARCHIVE_OK)
    fail("cannot start the archive");

  std::vector<char> buf(1 << 16);
  for (const std::string& rel : entries) {
    std::string full = dir + "/" + rel;
    if (lstat(full.c_str(), &st) != 0) throw Error(kExitFailure, errno_message("cannot stat " + full, errno));
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
      throw Error(kExitFailure, full + ": an image archive holds only files and directories");
    ArchiveEntry e(archive_entry_new());
    bool dir = S_ISDIR(st.st_mode);
    archive_entry_set_pathname(e.get(), dir ? (rel + "/").c_str() : rel.c_str());
    archive_entry_set_mode(e.get(), dir ? (S_IFDIR | 0755) : (S_IFREG | 0644));
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    archive_entry_set_mtime(e.get(), 0, 0);
    archive_entry_set_size(e.get(), dir ? 0 : st.st_size);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) fail("cannot add " + rel);
    if (dir) continue;
    UniqueFd fd(open(full.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) throw Error(kExitFailure, errno_message("cannot read " + full, errno));
    off_t left = st.st_size;
    while (left > 0) {
      ssize_t n = read(fd.get(), buf.data(), static_cast<size_t>(std::min<off_t>(left, buf.size())));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw Error(kExitFailure, errno_message("cannot read " + full, n < 0 ? errno : EIO));
      if (archive_write_data(a.get(), buf.data(), static_cast<size_t>(n)) != n) fail("cannot add " + rel);
      left -= n;
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) fail("cannot finish the archive");
  out.commit();
}

}  // namespace pare
