#include "image/tar_layer_writer.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <map>
#include <utility>
#include <vector>

#include "common/write_all.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "image/archive_util.h"
#include "image/gzip_writer.h"
#include "image/image_files.h"
#include "image/safe_fs.h"
#include "image/sha256.h"

namespace pare {

namespace {

// Extended attributes of PATH, by name: of FD when it is open (>= 0), else of
// PATH itself (a symlink not followed). security.selinux is the host's label,
// not part of the image, so it is left out.
std::vector<std::pair<std::string, std::string>> read_xattrs(int fd, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  auto list = [&](char* buf, size_t size) {
    return fd >= 0 ? flistxattr(fd, buf, size) : llistxattr(path.c_str(), buf, size);
  };
  auto get = [&](const std::string& name, void* buf, size_t size) {
    return fd >= 0 ? fgetxattr(fd, name.c_str(), buf, size) : lgetxattr(path.c_str(), name.c_str(), buf, size);
  };
  ssize_t len = list(nullptr, 0);
  if (len < 0) {
    if (errno == ENOTSUP) return out;
    throw Error(kExitFailure, errno_message("cannot list xattrs of " + path, errno));
  }
  if (len == 0) return out;  // the common case: one call
  std::string names(static_cast<size_t>(len), '\0');
  len = list(names.data(), names.size());
  if (len < 0) throw Error(kExitFailure, errno_message("cannot list xattrs of " + path, errno));
  names.resize(static_cast<size_t>(len));
  for (size_t i = 0; i < names.size();) {
    std::string name = names.c_str() + i;
    i += name.size() + 1;
    if (name.empty() || name == "security.selinux") continue;
    ssize_t vlen = get(name, nullptr, 0);
    if (vlen < 0) throw Error(kExitFailure, errno_message("cannot read xattr " + name + " of " + path, errno));
    std::string value(static_cast<size_t>(vlen), '\0');
    vlen = get(name, value.data(), value.size());
    if (vlen < 0) throw Error(kExitFailure, errno_message("cannot read xattr " + name + " of " + path, errno));
    value.resize(static_cast<size_t>(vlen));
    out.emplace_back(std::move(name), std::move(value));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// An uncompressed blob: the tar's bytes as they come, hashed on the way.
class PlainWriter {
 public:
  PlainWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  void write(const void* data, size_t len) {
    hash_.update(data, len);
    bytes_ += len;
    write_all(fd_, data, len, path_);
  }
  std::string sha256() { return hash_.hex(); }
  uint64_t bytes() const { return bytes_; }

 private:
  int fd_;
  std::string path_;
  Sha256 hash_;
  uint64_t bytes_ = 0;
};

// libarchive's output callback; C code cannot carry a C++ exception, so it is
// parked here and rethrown once libarchive returns.
struct Sink {
  GzipWriter* gz;      // one of the two
  PlainWriter* plain;
  std::exception_ptr error;
};

la_ssize_t sink_write(archive*, void* ctx, const void* buf, size_t len) {
  auto* s = static_cast<Sink*>(ctx);
  try {
    if (s->gz)
      s->gz->write(buf, len);
    else
      s->plain->write(buf, len);
    return static_cast<la_ssize_t>(len);
  } catch (...) {
    s->error = std::current_exception();
    return -1;
  }
}

// The disk's xattrs with the recorded ones (which the disk refused) added,
// sorted by name so the layer does not depend on which way they came.
std::vector<std::pair<std::string, std::string>> merged_xattrs(std::vector<std::pair<std::string, std::string>> disk,
                                                              const EntryMetadata* meta) {
  if (!meta) return disk;
  for (const auto& xattr : meta->xattrs) {
    // (Not a structured binding: clang 14, which builds the fuzzers, cannot capture one.)
    const std::string& name = xattr.first;
    std::erase_if(disk, [&](const auto& kv) { return kv.first == name; });
    disk.emplace_back(name, xattr.second);
  }
  std::sort(disk.begin(), disk.end());
  return disk;
}

class LayerTar {
 public:
  LayerTar(Sink& sink, std::string out_path, const EntryMetadataTable& metadata)
      : sink_(sink), out_(std::move(out_path)), metadata_(metadata), a_(archive_write_new()) {
    if (!a_) throw Error(kExitFailure, "out of memory writing " + out_);
    // pax "restricted": plain ustar headers unless an entry needs more (long
    // names, xattrs); xattrs only as SCHILY.xattr, the form container tools read.
    if (archive_write_set_format_pax_restricted(a_.get()) != ARCHIVE_OK ||
        archive_write_set_format_option(a_.get(), "pax", "xattrheader", "SCHILY") < ARCHIVE_WARN ||
        archive_write_open(a_.get(), &sink_, nullptr, sink_write, nullptr) != ARCHIVE_OK)
      fail("cannot start the layer tar");
  }

  void add(const std::string& root, const std::string& rel) {
    std::string full = root + "/" + rel;
    // Looked up in its parent directory, kept open while its siblings are
    // added (sorted order): no walk of the whole path per syscall.
    size_t slash = rel.rfind('/');
    int dir = dir_of(root, slash == std::string::npos ? "" : rel.substr(0, slash));
    std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
    struct stat st;
    if (fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      throw Error(kExitFailure, errno_message("cannot stat " + full, errno));
    if (S_ISSOCK(st.st_mode)) {
      spdlog::warn("{}: sockets cannot be stored in a layer; skipped", full);
      return;
    }
    auto found = metadata_.find(rel);
    const EntryMetadata* meta = found == metadata_.end() ? nullptr : &found->second;
    ArchiveEntry e(archive_entry_new());
    archive_entry_set_pathname(e.get(), S_ISDIR(st.st_mode) ? (rel + "/").c_str() : rel.c_str());
    // Type from the disk; the 12 permission bits and the owner from the
    // recorded source metadata when the disk could not hold them.
    archive_entry_set_mode(e.get(), meta ? (st.st_mode & S_IFMT) | (meta->mode & 07777) : st.st_mode);
    archive_entry_set_uid(e.get(), meta ? meta->uid : st.st_uid);
    archive_entry_set_gid(e.get(), meta ? meta->gid : st.st_gid);
    archive_entry_set_mtime(e.get(), st.st_mtim.tv_sec, 0);
    archive_entry_set_size(e.get(), 0);
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) archive_entry_set_rdev(e.get(), st.st_rdev);
    // A file is opened once: its xattrs and its bytes are read through the fd.
    UniqueFd fd;
    if (S_ISREG(st.st_mode)) {
      fd = UniqueFd(openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
      if (!fd) throw Error(kExitFailure, errno_message("cannot read " + full, errno));
    }
    for (const auto& [xname, value] : merged_xattrs(read_xattrs(fd.get(), full), meta))
      archive_entry_xattr_add_entry(e.get(), xname.c_str(), value.data(), value.size());

    bool data = false;
    if (S_ISLNK(st.st_mode)) {
      archive_entry_set_symlink(e.get(), read_link(dir, name, full, st).c_str());
    } else if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
      auto [it, first] = inodes_.emplace(std::make_pair(st.st_dev, st.st_ino), rel);
      if (!first) archive_entry_set_hardlink(e.get(), it->second.c_str());
      data = first && S_ISREG(st.st_mode);
    } else {
      data = S_ISREG(st.st_mode);
    }
    if (data) archive_entry_set_size(e.get(), st.st_size);

    if (archive_write_header(a_.get(), e.get()) < ARCHIVE_WARN) fail("cannot add " + rel);
    if (data) copy_file(fd.get(), full, st.st_size);
  }

  void close() {
    if (archive_write_close(a_.get()) != ARCHIVE_OK) fail("cannot finish the layer tar");
  }

 private:
  [[noreturn]] void fail(const std::string& msg) {
    if (sink_.error) std::rethrow_exception(sink_.error);
    throw Error(kExitFailure, out_ + ": " + msg + ": " + archive_error(a_.get()));
  }

  static std::string read_link(int dir, const std::string& name, const std::string& full, const struct stat& st) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = readlinkat(dir, name.c_str(), target.data(), target.size());
    if (n < 0) throw Error(kExitFailure, errno_message("cannot read symlink " + full, errno));
    if (static_cast<size_t>(n) >= target.size()) throw Error(kExitFailure, full + " changed while being read");
    target.resize(static_cast<size_t>(n));
    return target;
  }

  // The directory REL of the tree at ROOT (O_PATH, no symlink on the way).
  int dir_of(const std::string& root, const std::string& rel) {
    if (!root_fd_) {
      root_fd_ = UniqueFd(open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (!root_fd_) throw Error(kExitFailure, errno_message("cannot open " + root, errno));
    }
    if (rel.empty()) return root_fd_.get();
    if (!dir_fd_ || rel != dir_rel_) {
      dir_fd_ = UniqueFd(open_no_symlinks(root_fd_.get(), rel, O_PATH | O_DIRECTORY));
      if (!dir_fd_) throw Error(kExitFailure, errno_message("cannot open " + root + "/" + rel, errno));
      dir_rel_ = rel;
    }
    return dir_fd_.get();
  }

  void copy_file(int fd, const std::string& full, off_t size) {
    off_t left = size;
    while (left > 0) {
      ssize_t n = read(fd, buf_.data(), static_cast<size_t>(std::min<off_t>(left, buf_.size())));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(kExitFailure, errno_message("cannot read " + full, errno));
      if (n == 0) throw Error(kExitFailure, full + " shrank while being read");
      if (archive_write_data(a_.get(), buf_.data(), static_cast<size_t>(n)) < 0) fail("cannot add " + full);
      left -= n;
    }
  }

  Sink& sink_;
  std::string out_;
  const EntryMetadataTable& metadata_;
  ArchiveWriter a_;
  std::map<std::pair<dev_t, ino_t>, std::string> inodes_;  // first name of each multiply-linked inode
  UniqueFd root_fd_, dir_fd_;  // dir_of's
  std::string dir_rel_;
  std::vector<char> buf_ = std::vector<char>(1 << 16);
};

}  // namespace

LayerDigests write_tar_layer(const std::string& rootfs_dir, const std::string& out_path,
                             const EntryMetadataTable& metadata, LayerCompression compression) {
  UniqueFd fd(open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) throw Error(kExitFailure, errno_message("cannot create " + out_path, errno));
  GzipWriter gz(fd.get(), out_path);
  PlainWriter plain(fd.get(), out_path);
  bool zip = compression == LayerCompression::kGzip;
  Sink sink{zip ? &gz : nullptr, zip ? nullptr : &plain, nullptr};
  {
    LayerTar tar(sink, out_path, metadata);
    for (const std::string& rel : sorted_tree(rootfs_dir)) {
      throw_if_interrupted();
      tar.add(rootfs_dir, rel);
    }
    tar.close();
  }
  if (zip) gz.finish();
  if (fsync(fd.get()) != 0) throw Error(kExitFailure, errno_message("cannot write " + out_path, errno));
  LayerDigests d;
  if (zip) {
    d.diff_id_hex = gz.input_sha256();
    d.blob_hex = gz.output_sha256();
    d.blob_bytes = gz.output_bytes();
  } else {
    d.diff_id_hex = d.blob_hex = plain.sha256();
    d.blob_bytes = plain.bytes();
  }
  return d;
}

}  // namespace pare
