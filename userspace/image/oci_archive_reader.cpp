#include "image/oci_archive_reader.h"

#include <sys/stat.h>

#include <cerrno>

#include "common/error.h"
#include "common/interrupt.h"
#include "image/archive_util.h"
#include "image/image_files.h"
#include "image/oci_layout_reader.h"
#include "image/sha256.h"
#include "image/tar_extract.h"

namespace pare {

namespace {

const std::string kBlobs = "blobs/sha256/";

// The layout file NAME stands for, or false for anything pare does not need:
// the marker, the index, and blobs named by a well-formed digest (so a name
// can never point outside the scratch directory).
bool is_layout_file(const std::string& name) {
  if (name == "oci-layout" || name == "index.json") return true;
  return name.size() == kBlobs.size() + 64 && name.compare(0, kBlobs.size(), kBlobs) == 0 &&
         is_sha256_hex(name.substr(kBlobs.size()));
}

void make_dir(const std::string& path) {
  if (mkdir(path.c_str(), 0700) != 0) throw Error(kExitFailure, errno_message("cannot create " + path, errno));
}

}  // namespace

ResolvedImage read_oci_archive(const std::string& file, const std::string& tag, const std::string& scratch_parent,
                               UnpackBudget& budget) {
  auto scratch = std::make_unique<ImageScratchDir>(scratch_parent, "pare-oci-archive");
  make_dir(*scratch / "blobs");
  make_dir(*scratch / "blobs/sha256");
  ArchiveReader a = open_tar_reader(file, file);
  archive_entry* e = nullptr;
  int r;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    throw_if_interrupted();
    // Only regular files' data is copied: a link in the archive is never
    // followed, so a blob that is one reads as missing.
    if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) continue;
    std::string name = outer_entry_name(archive_entry_pathname(e));
    if (!is_layout_file(name)) continue;
    // A name given twice: the later entry wins, as tar extraction has it.
    copy_tar_entry(a.get(), e, name, *scratch / name, file, budget);
  }
  if (r != ARCHIVE_EOF) throw Error(kExitBadInput, file + ": unreadable tar: " + archive_error(a.get()));
  struct stat st;
  for (const char* needed : {"oci-layout", "index.json"})
    if (stat((*scratch / needed).c_str(), &st) != 0)
      throw Error(kExitBadInput, file + " is not an oci-archive: it has no " + needed);
  ResolvedImage img = read_oci_layout(scratch->path(), tag, file);
  img.scratch = std::move(scratch);
  return img;
}

}  // namespace pare
