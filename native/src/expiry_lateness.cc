#include "expiry_lateness.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

int64_t MonotonicNs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

ExpiryLateness::ExpiryLateness(uv_loop_t* loop) {
  // a kernel without schedstats has no file: lateness is then told as busy or wake-up only
  schedstat_fd_ = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  prepare_ = new uv_prepare_t;
  uv_prepare_init(loop, prepare_);
  prepare_->data = this;
  // the hook never keeps the loop alive by itself
  uv_unref(reinterpret_cast<uv_handle_t*>(prepare_));
}

ExpiryLateness::~ExpiryLateness() {
  uv_prepare_stop(prepare_);
  prepare_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(prepare_), [](uv_handle_t* h) { delete reinterpret_cast<uv_prepare_t*>(h); });
  if (schedstat_fd_ >= 0) close(schedstat_fd_);
}

void ExpiryLateness::Armed() {
  slept_at_ = INT64_MAX;
  if (watching_) return;
  watching_ = true;
  uv_prepare_start(prepare_, OnPrepare);
}

void ExpiryLateness::Disarmed() {
  if (!watching_) return;
  watching_ = false;
  uv_prepare_stop(prepare_);
}

// libuv runs prepare hooks right before it polls: the loop is about to sleep
void ExpiryLateness::OnPrepare(uv_prepare_t* handle) {
  auto* self = static_cast<ExpiryLateness*>(handle->data);
  if (self == nullptr) return;
  self->slept_at_ = MonotonicNs();
  self->delay_at_sleep_ = self->RunDelay();
}

int64_t ExpiryLateness::RunDelay() const {
  if (schedstat_fd_ < 0) return -1;
  // "<ns on a CPU> <ns waiting on a run queue> <timeslices>"
  char buf[96];
  ssize_t n = pread(schedstat_fd_, buf, sizeof buf - 1, 0);
  if (n <= 0) return -1;
  buf[n] = '\0';
  long long ran = 0, waited = 0;
  return std::sscanf(buf, "%lld %lld", &ran, &waited) == 2 ? waited : -1;
}

ExpiryLateness::Verdict ExpiryLateness::Judge(int64_t due_ns) const {
  int64_t late = MonotonicNs() - due_ns;
  if (late <= 0) return {0, kWakeup};
  double late_ms = static_cast<double>(late) / 1e6;
  // not asleep when the time came: the loop's own work held the expiry back
  if (slept_at_ >= due_ns) return {late_ms, kBusy};
  int64_t now_delay = delay_at_sleep_ < 0 ? -1 : RunDelay();
  // the larger part of the lateness spent runnable, waiting for a CPU
  if (now_delay >= 0 && 2 * (now_delay - delay_at_sleep_) >= late) return {late_ms, kRunQueue};
  return {late_ms, kWakeup};
}
