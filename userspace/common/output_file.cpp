#include "common/output_file.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "common/error.h"
#include "common/interrupt.h"
#include "common/name_encoding.h"

namespace pare {

namespace {

std::string identity_of(const struct stat& st) {
  return "i:" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

OutputPlan plan_output(const std::string& path, const std::string& role) {
  OutputPlan p;
  p.given = path;
  if (path.empty() || path == "-" || path == "/dev/stdout") {
    p.path = "-";
    p.identity = "stdout";
    return p;
  }
  auto refuse = [&](const std::string& why) -> OutputPlan {
    throw Error(kExitUsage, role + " " + printable_name(path) + ": " + why);
  };
  if (path.back() == '/') return refuse("names a directory; give a file name");
  if (path.size() >= PATH_MAX) return refuse("longer than PATH_MAX");
  struct stat lst;
  if (lstat(path.c_str(), &lst) == 0) {
    struct stat st = lst;
    std::string target = path;
    if (S_ISLNK(lst.st_mode)) {
      if (stat(path.c_str(), &st) != 0) return refuse("is a symlink to nothing; name the file itself");
      if (S_ISREG(st.st_mode)) {
        // Replace the file the link names; the link itself stays.
        char* real = realpath(path.c_str(), nullptr);
        if (!real) return refuse(std::string("cannot resolve the symlink: ") + std::strerror(errno));
        target = real;
        std::free(real);
      }
    }
    if (S_ISDIR(st.st_mode)) return refuse("is a directory; give a file name");
    if (S_ISBLK(st.st_mode)) return refuse("is a block device; refusing to write to a disk");
    if (S_ISSOCK(st.st_mode)) return refuse("is a socket");
    p.identity = identity_of(st);
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
      // /dev/null, a tty, a named pipe: written in place, never replaced by a file.
      p.kind = OutputKind::kStream;
      p.path = path;
      if (access(path.c_str(), W_OK) != 0) return refuse(std::string("not writable: ") + std::strerror(errno));
      return p;
    }
    if (!S_ISREG(st.st_mode)) return refuse("is not a regular file");
    p.kind = OutputKind::kFile;
    p.path = target;
    std::string dir = dir_of(target);
    if (access(dir.c_str(), W_OK) != 0)
      return refuse("its directory " + printable_name(dir) + " is not writable: " + std::strerror(errno));
    return p;
  }
  if (errno != ENOENT) return refuse(std::strerror(errno));
  std::string dir = dir_of(path);
  struct stat dst;
  if (stat(dir.c_str(), &dst) != 0) return refuse("its directory " + printable_name(dir) + " does not exist");
  if (!S_ISDIR(dst.st_mode)) return refuse(printable_name(dir) + " is not a directory");
  if (access(dir.c_str(), W_OK) != 0)
    return refuse("its directory " + printable_name(dir) + " is not writable: " + std::strerror(errno));
  p.kind = OutputKind::kFile;
  p.path = path;
  p.identity = "n:" + std::to_string(dst.st_dev) + ":" + std::to_string(dst.st_ino) + "/" + base_of(path);
  return p;
}

std::string input_identity(const std::string& path) {
  struct stat st;
  if (path.empty() || stat(path.c_str(), &st) != 0) return "";
  return identity_of(st);
}

void check_outputs(const std::vector<OutputPlan>& outputs, const std::vector<std::string>& inputs) {
  std::map<std::string, std::string> seen;
  for (auto& o : outputs) {
    auto [it, fresh] = seen.emplace(o.identity, o.given);
    if (!fresh)
      throw Error(kExitUsage, "two outputs name the same file: " + printable_name(it->second.empty() ? "-" : it->second) +
                                  " and " + printable_name(o.given.empty() ? "-" : o.given));
  }
  for (auto& in : inputs) {
    std::string id = input_identity(in);
    if (!id.empty() && seen.count(id) && id.rfind("i:", 0) == 0) {
      struct stat st;
      // Reading from and writing to one device (/dev/null as both) harms nothing.
      if (stat(in.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        throw Error(kExitUsage, "the output " + printable_name(seen[id]) + " is also an input (" + printable_name(in) +
                                    "); write elsewhere and rename");
    }
  }
}

OutputFile::OutputFile(const OutputPlan& plan) : plan_(plan) {
  if (plan_.kind == OutputKind::kStdout) {
    stream_ = stdout;
    return;
  }
  int fd;
  if (plan_.kind == OutputKind::kStream) {
    fd = open(plan_.path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) throw Error(kExitFailure, errno_message("cannot open " + printable_name(plan_.path), errno));
  } else {
    // The temporary sits beside the target (same filesystem, so rename is atomic);
    // the name is cut so that it stays within NAME_MAX.
    std::string tmpl = dir_of(plan_.path) + "/" + base_of(plan_.path).substr(0, 200) + ".tmp-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    fd = mkostemp(buf.data(), O_CLOEXEC);  // never inherited by the traced app
    if (fd < 0) throw Error(kExitFailure, errno_message("cannot create " + printable_name(plan_.path), errno));
    tmp_path_ = buf.data();
    struct stat old;
    fchmod(fd, stat(plan_.path.c_str(), &old) == 0 ? (old.st_mode & 07777) : 0644);
  }
  stream_ = fdopen(fd, "w");
  if (!stream_) {
    int err = errno;
    close(fd);
    if (!tmp_path_.empty()) unlink(tmp_path_.c_str());
    throw Error(kExitFailure, errno_message("cannot write " + printable_name(plan_.path), err));
  }
}

OutputFile::~OutputFile() {
  if (stream_ && stream_ != stdout) std::fclose(stream_);
  if (!committed_ && !tmp_path_.empty()) unlink(tmp_path_.c_str());
}

void OutputFile::write(const std::string& data) {
  if (std::fwrite(data.data(), 1, data.size(), stream_) != data.size())
    throw Error(kExitFailure, errno_message("cannot write " + printable_name(plan_.given.empty() ? "stdout" : plan_.given), errno));
}

void OutputFile::commit() {
  std::string name = printable_name(plan_.given.empty() || plan_.given == "-" ? "stdout" : plan_.given);
  if (std::fflush(stream_) != 0) throw Error(kExitFailure, errno_message("cannot write " + name, errno));
  if (plan_.kind != OutputKind::kFile) {
    committed_ = true;
    return;
  }
  if (fsync(fileno(stream_)) != 0) throw Error(kExitFailure, errno_message("cannot write " + name, errno));
  throw_if_interrupted();  // an interrupted command publishes nothing
  std::FILE* s = stream_;
  stream_ = nullptr;
  if (std::fclose(s) != 0) throw Error(kExitFailure, errno_message("cannot write " + name, errno));
  if (rename(tmp_path_.c_str(), plan_.path.c_str()) != 0)
    throw Error(kExitFailure, errno_message("cannot rename into " + name, errno));
  committed_ = true;
}

void write_output(const std::string& path, const std::string& data, const std::string& role) {
  OutputFile out(path, role);
  out.write(data);
  out.commit();
}

}  // namespace pare
