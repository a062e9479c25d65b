#include "image/gzip_writer.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "common/write_all.h"
#include "common/error.h"

namespace pare {

namespace {
// Fixed: a different level or block size is a different digest. Level 1:
// on binaries and text it is 3-4x faster than zlib's default 6 and the blob
// is only ~10% larger; the layer is written once per build, on the build's
// critical path, and registries compress nothing further.
constexpr int kLevel = 1;
constexpr size_t kBlock = 1 << 20;  // input bytes per block
constexpr size_t kDict = 32768;     // deflate's window
constexpr unsigned kMaxThreads = 8;
// zlib's gzip header for this level: no mtime, no name, XFL (4: fastest,
// 2: best), OS 3 (Unix).
constexpr unsigned char kXfl = kLevel == 1 ? 4 : kLevel == 9 ? 2 : 0;
const unsigned char kHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, kXfl, 3};
}  // namespace

struct GzipWriter::Job {
  std::string in;    // the block
  std::string dict;  // the input just before it
  bool last = false;
  size_t in_size = 0;
  std::string out;   // raw deflate, ending byte-aligned (sync flush) or final
  unsigned long crc = 0;
  bool done = false;
  bool failed = false;
};

struct GzipWriter::Pool {
  std::mutex mu;
  std::condition_variable work_cv, done_cv;
  std::deque<std::shared_ptr<Job>> todo;      // waiting for a worker
  std::deque<std::shared_ptr<Job>> in_order;  // submitted, not yet written (main thread only)
  bool stop = false;
  std::vector<std::thread> threads;
  size_t max_in_flight = 4;

  void work() {
    z_stream z{};
    bool ok = deflateInit2(&z, kLevel, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    std::unique_lock lock(mu);
    for (;;) {
      work_cv.wait(lock, [&] { return stop || !todo.empty(); });
      if (stop) break;
      std::shared_ptr<Job> job = std::move(todo.front());
      todo.pop_front();
      lock.unlock();
      bool done = ok && compress(z, *job);
      lock.lock();
      job->failed = !done;
      job->done = true;
      done_cv.notify_all();
    }
    if (ok) deflateEnd(&z);
  }

  static bool compress(z_stream& z, Job& job) {
    job.crc = crc32(0, reinterpret_cast<const Bytef*>(job.in.data()), static_cast<uInt>(job.in.size()));
    if (deflateReset(&z) != Z_OK) return false;
    if (!job.dict.empty() &&
        deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(job.dict.data()), static_cast<uInt>(job.dict.size())) != Z_OK)
      return false;
    int flush = job.last ? Z_FINISH : Z_SYNC_FLUSH;
    job.out.resize(deflateBound(&z, job.in.size()) + 64);
    z.next_in = reinterpret_cast<Bytef*>(job.in.data());
    z.avail_in = static_cast<uInt>(job.in.size());
    size_t used = 0;
    for (;;) {
      if (used == job.out.size()) job.out.resize(job.out.size() * 2);
      z.next_out = reinterpret_cast<Bytef*>(job.out.data() + used);
      z.avail_out = static_cast<uInt>(job.out.size() - used);
      int rc = deflate(&z, flush);
      if (rc == Z_STREAM_ERROR) return false;
      used = job.out.size() - z.avail_out;
      if (flush == Z_FINISH ? rc == Z_STREAM_END : (z.avail_in == 0 && z.avail_out != 0)) break;
    }
    job.out.resize(used);
    job.in = std::string();  // freed: only the output waits to be written
    return true;
  }
};

GzipWriter::GzipWriter(int fd, std::string path, unsigned threads)
    : pool_(std::make_unique<Pool>()), cur_(std::make_shared<Job>()), fd_(fd), path_(std::move(path)) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, kMaxThreads);
  pool_->max_in_flight = 2 * threads + 2;
  // The workers never take a signal: Ctrl-C reaches the thread that checks for it.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  try {
    for (unsigned i = 0; i < threads; ++i) pool_->threads.emplace_back([p = pool_.get()] { p->work(); });
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (pool_->threads.empty()) throw Error(kExitFailure, "cannot start gzip for " + path_);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  cur_->in.reserve(kBlock);
  crc_ = crc32(0, nullptr, 0);
}

GzipWriter::~GzipWriter() {
  {
    std::lock_guard lock(pool_->mu);
    pool_->stop = true;
  }
  pool_->work_cv.notify_all();
  for (auto& t : pool_->threads) t.join();
}

void GzipWriter::emit(const void* data, size_t len) {
  out_hash_.update(data, len);
  out_bytes_ += len;
  write_all(fd_, data, len, path_);
}

void GzipWriter::submit(bool last) {
  std::shared_ptr<Job> job = std::move(cur_);
  job->last = last;
  job->dict = std::move(tail_);
  const std::string& in = job->in;
  // The next block's dictionary: the 32 KiB before it, reaching into this
  // block's dictionary when this block is short (only the last one is).
  if (in.size() >= kDict) {
    tail_.assign(in, in.size() - kDict, kDict);
  } else {
    tail_ = job->dict.substr(job->dict.size() - std::min(job->dict.size(), kDict - in.size())) + in;
  }
  job->in_size = in.size();
  {
    std::lock_guard lock(pool_->mu);
    pool_->todo.push_back(job);
  }
  pool_->work_cv.notify_one();
  pool_->in_order.push_back(std::move(job));
  while (pool_->in_order.size() >= pool_->max_in_flight) drain_one();
  if (!last) {
    cur_ = std::make_shared<Job>();
    cur_->in.reserve(kBlock);
  }
}

void GzipWriter::drain_one() {
  std::shared_ptr<Job> job = std::move(pool_->in_order.front());
  pool_->in_order.pop_front();
  {
    std::unique_lock lock(pool_->mu);
    pool_->done_cv.wait(lock, [&] { return job->done; });
  }
  if (job->failed) throw Error(kExitFailure, "gzip failed for " + path_);
  if (out_bytes_ == 0) emit(kHeader, sizeof kHeader);
  emit(job->out.data(), job->out.size());
  crc_ = crc32_combine(crc_, job->crc, static_cast<z_off_t>(job->in_size));
}

void GzipWriter::write(const void* data, size_t len) {
  in_hash_.update(data, len);
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    size_t n = std::min(len, kBlock - cur_->in.size());
    cur_->in.append(p, n);
    in_bytes_ += n;
    p += n;
    len -= n;
    if (cur_->in.size() == kBlock) submit(false);
  }
}

void GzipWriter::finish() {
  if (finished_) return;
  finished_ = true;
  submit(true);
  while (!pool_->in_order.empty()) drain_one();
  unsigned char trailer[8];
  uint32_t crc = static_cast<uint32_t>(crc_), size = static_cast<uint32_t>(in_bytes_);
  for (int i = 0; i < 4; ++i) {
    trailer[i] = static_cast<unsigned char>(crc >> (8 * i));
    trailer[4 + i] = static_cast<unsigned char>(size >> (8 * i));
  }
  emit(trailer, sizeof trailer);
}

}  // namespace pare
