#include "common/task_pool.h"

#include <algorithm>

namespace pare {

TaskPool::TaskPool(unsigned threads, size_t max_queued) : max_queued_(std::max<size_t>(1, max_queued)) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { run(); });
}

TaskPool::~TaskPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  has_work_.notify_all();
  for (auto& t : threads_) t.join();
}

unsigned TaskPool::file_workers(unsigned max) {
  unsigned cores = std::thread::hardware_concurrency();
  return std::clamp(cores, 1u, std::max(1u, max));
}

void TaskPool::rethrow_locked(std::unique_lock<std::mutex>& lock) {
  if (!error_) return;
  std::exception_ptr e = error_;
  error_ = nullptr;  // thrown once; the pool stays usable for the unwinding caller
  queue_.clear();
  lock.unlock();
  std::rethrow_exception(e);
}

void TaskPool::submit(std::function<void()> task) {
  std::unique_lock lock(mu_);
  has_room_.wait(lock, [&] { return queue_.size() < max_queued_ || error_; });
  rethrow_locked(lock);
  queue_.push_back(std::move(task));
  lock.unlock();
  has_work_.notify_one();
}

void TaskPool::wait() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return (queue_.empty() && running_ == 0) || error_; });
  // A failure: the tasks still running finish before the caller unwinds
  // through what they use.
  idle_.wait(lock, [&] { return running_ == 0; });
  rethrow_locked(lock);
}

void TaskPool::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    has_work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    has_room_.notify_one();
    std::exception_ptr failed;
    try {
      task();
    } catch (...) {
      failed = std::current_exception();
    }
    lock.lock();
    --running_;
    if (failed && !error_) {
      error_ = failed;
      queue_.clear();  // what is queued after a failure is not run
    }
    if (failed) has_room_.notify_all();
    if ((queue_.empty() && running_ == 0) || error_) idle_.notify_all();
  }
}

}  // namespace pare
