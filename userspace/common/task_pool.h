// A few threads running queued tasks, for work whose cost is mostly in the
// kernel and parallel across files (the build's file copies): the caller
// keeps deciding what to do in order and hands off the slow part.
//
// The queue is bounded: submit() blocks while it is full, so tasks holding
// file descriptors cannot pile up past a known number. The first exception a
// task throws is kept; later tasks are skipped, and submit() or wait()
// rethrows it in the caller's thread. Destroying the pool with tasks still
// queued drops them and joins the threads (the caller is unwinding).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pare {

class TaskPool {
 public:
  // THREADS >= 1; MAX_QUEUED >= 1.
  TaskPool(unsigned threads, size_t max_queued);
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  void submit(std::function<void()> task);
  // Returns when every task submitted so far has run; rethrows the first failure.
  void wait();

  // Threads for file work on this machine: one per core, at most MAX (the
  // caller's thread mostly waits for room in the queue; measured on 2 cores,
  // two workers beat one by 10%).
  static unsigned file_workers(unsigned max = 4);

 private:
  void run();
  void rethrow_locked(std::unique_lock<std::mutex>& lock);

  std::mutex mu_;
  std::condition_variable has_work_, has_room_, idle_;
  std::deque<std::function<void()>> queue_;
  size_t max_queued_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::vector<std::thread> threads_;
};

}  // namespace pare
