// A one-shot timer with the kernel's precision (timerfd on CLOCK_MONOTONIC,
// the clock behind performance.now()) watched by libuv on Node's event loop.
// Node's own timers count whole milliseconds from the loop's cached time, so
// they fire up to a millisecond early or late; VRRP at advert_int 0.02 s needs
// better. The expiry wakes the loop's epoll directly: no spin, no thread.
//
// An arm may carry a prelude (timer_prelude.h): work done at
// the expiry before the callback runs, whose outcome the callback receives,
// with how late the expiry was and why (expiry_lateness.h).
#pragma once

#include <napi.h>
#include <uv.h>

#include <cstdint>
#include <memory>

#include "expiry_lateness.h"
#include "timer_prelude.h"

class PreciseTimer : public Napi::ObjectWrap<PreciseTimer> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit PreciseTimer(const Napi::CallbackInfo& info);
  ~PreciseTimer() override;

 private:
  void Arm(const Napi::CallbackInfo& info);
  void Disarm(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);
  void Stop();
  static void OnExpired(uv_poll_t* handle, int status, int events);

  int fd_ = -1;
  bool polling_ = false;
  uv_poll_t* poll_ = nullptr;
  // CLOCK_MONOTONIC ns of the armed expiry
  int64_t due_ns_ = 0;
  std::unique_ptr<ExpiryLateness> lateness_;
  Napi::FunctionReference on_expired_;
  Napi::AsyncContext async_context_;
  // for the armed expiry only: a re-arm or disarm replaces it
  prelude::Ops prelude_;
  prelude::ParsedOps parsed_;
};
