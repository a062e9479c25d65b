// The build's file copies run on a TaskPool: every task runs, the queue never
// holds more than asked, and a failing task stops the rest and is rethrown
// in the caller's thread (a copy that failed must fail the build).
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "common/task_pool.h"

using pare::TaskPool;

TEST_CASE("task pool: every task runs once, wait returns when all are done", "[unit]") {
  std::atomic<int> sum = 0;
  TaskPool pool(3, 4);
  for (int i = 1; i <= 1000; ++i) pool.submit([&sum, i] { sum += i; });
  pool.wait();
  CHECK(sum == 500500);
  // Usable again after wait.
  pool.submit([&sum] { sum += 1; });
  pool.wait();
  CHECK(sum == 500501);
}

TEST_CASE("task pool: submit blocks while the queue is full", "[unit]") {
  std::atomic<bool> release = false;
  std::atomic<int> started = 0, submitted = 0;
  TaskPool pool(1, 2);
  std::thread producer([&] {
    for (int i = 0; i < 10; ++i) {
      pool.submit([&] {
        ++started;
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      });
      ++submitted;
    }
  });
  // One task running (blocked), two queued: the fourth submit waits.
  for (int i = 0; i < 2000 && (started < 1 || submitted < 3); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(started == 1);
  CHECK(submitted == 3);
  release = true;
  producer.join();
  pool.wait();
  CHECK(started == 10);
}

TEST_CASE("task pool: the first failure is rethrown once and later tasks are skipped", "[unit]") {
  std::atomic<int> ran = 0;
  int thrown = 0;
  TaskPool pool(1, 1000);
  pool.submit([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    throw std::runtime_error("copy failed");
  });
  for (int i = 0; i < 100; ++i) {
    try {
      pool.submit([&ran] { ++ran; });
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "copy failed");
      ++thrown;  // submit may already see the failure
      break;
    }
  }
  try {
    pool.wait();
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "copy failed");
    ++thrown;
  }
  CHECK(thrown == 1);
  // Queued behind the failing task, none of these ran.
  CHECK(ran == 0);
  // Thrown once: the pool can be waited on (and destroyed) while unwinding.
  CHECK_NOTHROW(pool.wait());
}

TEST_CASE("task pool: destroyed with tasks queued, it drops them and joins", "[unit]") {
  std::atomic<int> ran = 0;
  {
    TaskPool pool(1, 1000);
    for (int i = 0; i < 200; ++i)
      pool.submit([&ran] {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        ++ran;
      });
  }
  CHECK(ran < 200);
}
