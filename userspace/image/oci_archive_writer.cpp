// write_oci_archive: an OCI layout as one tar (the "oci-archive" transport),
// byte-for-byte reproducible: sorted entries, and no metadata of the files on
// disk (mtime 0, owner 0:0, modes 0644/0755).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "common/output_file.h"
#include "common/error.h"
#include "image/archive_util.h"
#include "image/image_files.h"
#include "image/oci_writer.h"
#include "image/safe_fs.h"

namespace pare {

void write_oci_archive(const std::string& layout_dir, const std::string& out_tar) {
  struct stat st;
  if (stat(layout_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error(kExitFailure, layout_dir + " is not an OCI layout directory");
  std::vector<std::string> entries = sorted_tree(layout_dir);

  OutputFile out(out_tar, "oci-archive");
  ArchiveWriter a(archive_write_new());
  auto fail = [&](const std::string& msg) {
    throw Error(kExitFailure, out_tar + ": " + msg + ": " + archive_error(a.get()));
  };
  if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
      archive_write_open_FILE(a.get(), out.stream()) != ARCHIVE_OK)
    fail("cannot start the archive");

  std::vector<char> buf(1 << 16);
  for (const std::string& rel : entries) {
    std::string full = layout_dir + "/" + rel;
    if (lstat(full.c_str(), &st) != 0) throw Error(kExitFailure, errno_message("cannot stat " + full, errno));
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
      throw Error(kExitFailure, full + ": an OCI layout holds only files and directories");
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
