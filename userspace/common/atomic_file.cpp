#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "common/error.h"

namespace pare {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  std::string tmpl = path_ + ".tmp-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = mkostemp(buf.data(), O_CLOEXEC);  // never inherited by the traced app
  if (fd < 0) throw Error(kExitFailure, errno_message("cannot create " + path_, errno));
  tmp_path_ = buf.data();
  fchmod(fd, 0644);
  stream_ = fdopen(fd, "w");
  if (!stream_) {
    int err = errno;
    close(fd);
    unlink(tmp_path_.c_str());
    throw Error(kExitFailure, errno_message("cannot write " + path_, err));
  }
}

AtomicFile::~AtomicFile() {
  if (stream_) std::fclose(stream_);
  if (!committed_) unlink(tmp_path_.c_str());
}

void AtomicFile::write(const std::string& data) {
  if (std::fwrite(data.data(), 1, data.size(), stream_) != data.size())
    throw Error(kExitFailure, errno_message("cannot write " + path_, errno));
}

void AtomicFile::commit() {
  if (std::fflush(stream_) != 0 || fsync(fileno(stream_)) != 0)
    throw Error(kExitFailure, errno_message("cannot write " + path_, errno));
  std::fclose(stream_);
  stream_ = nullptr;
  if (rename(tmp_path_.c_str(), path_.c_str()) != 0)
    throw Error(kExitFailure, errno_message("cannot rename into " + path_, errno));
  committed_ = true;
}

void write_output(const std::string& path, const std::string& data) {
  if (path.empty() || path == "-") {
    if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size() || std::fflush(stdout) != 0)
      throw Error(kExitFailure, errno_message("cannot write to stdout", errno));
    return;
  }
  AtomicFile out(path);
  out.write(data);
  out.commit();
}

}  // namespace pare
