#include "image/gzip_writer.h"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>

#include "common/error.h"

namespace pare {

namespace {
constexpr int kLevel = 6;          // fixed: a different level is a different digest
constexpr int kGzipWindow = 15 + 16;  // +16: gzip wrapper with zlib's fixed header
constexpr size_t kOutChunk = 1 << 16;
}  // namespace

struct GzipWriter::Stream {
  z_stream s{};
  unsigned char out[kOutChunk];
};

GzipWriter::GzipWriter(int fd, std::string path) : z_(std::make_unique<Stream>()), fd_(fd), path_(std::move(path)) {
  if (deflateInit2(&z_->s, kLevel, Z_DEFLATED, kGzipWindow, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error(kExitFailure, "cannot start gzip for " + path_);
}

GzipWriter::~GzipWriter() { deflateEnd(&z_->s); }

void GzipWriter::deflate_some(int flush) {
  int rc;
  do {
    z_->s.next_out = z_->out;
    z_->s.avail_out = kOutChunk;
    rc = deflate(&z_->s, flush);
    if (rc == Z_STREAM_ERROR) throw Error(kExitFailure, "gzip failed for " + path_);
    size_t n = kOutChunk - z_->s.avail_out;
    out_hash_.update(z_->out, n);
    out_bytes_ += n;
    for (size_t off = 0; off < n;) {
      ssize_t w = ::write(fd_, z_->out + off, n - off);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) throw Error(kExitFailure, errno_message("cannot write " + path_, errno));
      off += static_cast<size_t>(w);
    }
  } while (z_->s.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

void GzipWriter::write(const void* data, size_t len) {
  in_hash_.update(data, len);
  z_->s.next_in = static_cast<Bytef*>(const_cast<void*>(data));
  z_->s.avail_in = static_cast<uInt>(len);
  deflate_some(Z_NO_FLUSH);
}

void GzipWriter::finish() {
  z_->s.next_in = nullptr;
  z_->s.avail_in = 0;
  deflate_some(Z_FINISH);
}

}  // namespace pare
