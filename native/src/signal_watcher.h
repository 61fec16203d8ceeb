// Watches one signal on Node's own event loop with libuv (uv_signal_t), for
// the signals Node's process.on() refuses: the real-time ones keepalived uses
// for its JSON dump (SIGRTMIN+2) and STATS_CLEAR (SIGRTMAX-1). Without a
// handler their default action would end the daemon. Also for the
// supervisor's SIGTERM and SIGINT, which it passes on to its children from
// here, before any JavaScript runs: a MASTER's priority-0 advert must not
// wait for the supervisor's code (0.9 ms measured on its first run). And for
// the VRRP process's SIGTERM and SIGINT, which send its MASTERs' priority-0
// adverts from here (a prelude, timer_prelude.h), before the 0.8 ms of
// JavaScript that reaches the stop's own send.
#pragma once

#include <napi.h>
#include <sys/types.h>
#include <uv.h>

#include <vector>

#include "timer_prelude.h"

class SignalWatcher : public Napi::ObjectWrap<SignalWatcher> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit SignalWatcher(const Napi::CallbackInfo& info);
  ~SignalWatcher() override;

 private:
  void Close(const Napi::CallbackInfo& info);
  void RelayTo(const Napi::CallbackInfo& info);
  void SetPrelude(const Napi::CallbackInfo& info);
  void Stop();
  static void OnSignal(uv_signal_t* handle, int signum);

  uv_signal_t* handle_ = nullptr;
  Napi::FunctionReference on_signal_;
  Napi::AsyncContext async_context_;
  std::vector<pid_t> relay_pids_;
  int relay_signum_ = 0;
  // run once, at the next delivery
  prelude::Ops prelude_;
};
