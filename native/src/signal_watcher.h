// Watches signals on Node's own event loop with libuv (uv_signal_t), for
// the signals Node's process.on() refuses: the real-time ones keepalived uses
// for its JSON dump (SIGRTMIN+2) and STATS_CLEAR (SIGRTMAX-1). Without a
// handler their default action would end the daemon.
//
// Also for SIGTERM and SIGINT, whose first work cannot wait for the event
// loop: the supervisor passes them on to its children, the VRRP process sends
// its MASTERs' priority-0 adverts (a prelude, timer_prelude.h). Both happen in
// the signal handler itself, installed in front of libuv's, so they do not
// wait for JavaScript the signal interrupts: a MASTER's step after each advert
// runs 0.4–0.8 ms before its code is optimised, and a stop signal that came in
// then waited for it. The callback runs later on the loop, as libuv's does.
//
// The priority-0 adverts must be the last ones peers hear, yet the process
// runs on until the callback: the first plan the handler finds closes the
// farewell gate (timer_prelude.h), after which no plan, no timer prelude and
// no JavaScript send above priority 0 goes out.
#pragma once

#include <napi.h>
#include <sys/types.h>
#include <uv.h>

#include <vector>

struct SignalPlan;
struct SignalRelay;

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
  void Report(int signum);
  static void OnSignal(uv_signal_t* handle, int signum);

  std::vector<uv_signal_t*> handles_;
  std::vector<int> signums_;
  Napi::FunctionReference on_signal_;
  Napi::AsyncContext async_context_;
  // published to the handler; replaced ones are freed once no handler runs
  SignalRelay* relay_ = nullptr;
  SignalPlan* plan_ = nullptr;
  // plans the handler ran that a callback has not reported yet, oldest first
  std::vector<SignalPlan*> unreported_;
};
