// Output files appear whole or not at all: data goes to a temporary file in the
// destination directory and is renamed over the target only after a successful
// fsync. A failure (or an exception) removes the temporary; an existing file at
// the target is left as it was.
#pragma once

#include <cstdio>
#include <string>

namespace pare {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);  // opens PATH.tmp-XXXXXX
  ~AtomicFile();                          // not committed: the temporary is removed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::FILE* stream() { return stream_; }
  void write(const std::string& data);
  void commit();  // flush, fsync, rename over the target

 private:
  std::string path_;
  std::string tmp_path_;
  std::FILE* stream_ = nullptr;
  bool committed_ = false;
};

// Writes DATA to PATH atomically, or to stdout when PATH is empty or "-".
void write_output(const std::string& path, const std::string& data);

}  // namespace pare
