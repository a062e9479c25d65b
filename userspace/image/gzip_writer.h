// Deterministic gzip for layer blobs: zlib at a fixed level 6 with the default
// header (mtime 0, no file name, OS "Unix"), so the same tar always gives the
// same bytes and the same digest. Hashes what goes in (the diff_id) and what
// comes out (the blob digest) on the way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "image/sha256.h"

namespace pare {

class GzipWriter {
 public:
  // Writes the compressed stream to FD (not closed here); PATH for messages.
  GzipWriter(int fd, std::string path);
  ~GzipWriter();
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  void write(const void* data, size_t len);  // throws Error(kExitFailure)
  void finish();                             // flushes the gzip trailer

  std::string input_sha256() { return in_hash_.hex(); }    // after finish()
  std::string output_sha256() { return out_hash_.hex(); }  // after finish()
  uint64_t output_bytes() const { return out_bytes_; }

 private:
  void deflate_some(int flush);

  struct Stream;
  std::unique_ptr<Stream> z_;
  int fd_;
  std::string path_;
  Sha256 in_hash_, out_hash_;
  uint64_t out_bytes_ = 0;
};

}  // namespace pare
