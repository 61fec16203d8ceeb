// Why a timer's expiry reached JavaScript late. The loop records, before each
// poll, when it went to sleep and how long the thread had waited on a run
// queue so far (/proc/thread-self/schedstat); at the expiry that tells three
// cases apart: the loop was still busy at the due time (JavaScript, GC), the
// thread woke on time but waited for a CPU another task held, or the kernel
// woke it late (on a virtual machine, mostly the host not running the vCPU).
// Only the first is the daemon's own doing.
#pragma once

#include <uv.h>

#include <cstdint>

class ExpiryLateness {
 public:
  enum Cause { kWakeup = 0, kRunQueue = 1, kBusy = 2 };
  struct Verdict {
    double late_ms;
    Cause cause;
  };

  // Opens the calling thread's schedstat (the loop's thread) and starts the prepare hook on `loop`.
  explicit ExpiryLateness(uv_loop_t* loop);
  ~ExpiryLateness();
  ExpiryLateness(const ExpiryLateness&) = delete;
  ExpiryLateness& operator=(const ExpiryLateness&) = delete;

  // The hook runs only while a timer is armed: an idle daemon pays nothing.
  // Until the loop next sleeps, an expiry counts as held back by its work.
  void Armed();
  void Disarmed();
  // The expiry due at `due_ns` (CLOCK_MONOTONIC) seen now.
  Verdict Judge(int64_t due_ns) const;

 private:
  static void OnPrepare(uv_prepare_t* handle);
  // ns the thread has waited on a run queue in all, or -1 without schedstat
  int64_t RunDelay() const;

  uv_prepare_t* prepare_ = nullptr;
  int schedstat_fd_ = -1;
  bool watching_ = false;
  int64_t slept_at_ = INT64_MAX;
  int64_t delay_at_sleep_ = -1;
};

int64_t MonotonicNs();
