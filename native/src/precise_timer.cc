#include "precise_timer.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <ctime>

#include "errors.h"
#include "polled_fd.h"

void PreciseTimer::Init(Napi::Env env, Napi::Object exports) {
  exports.Set("PreciseTimer", DefineClass(env, "PreciseTimer",
                                          {InstanceMethod("arm", &PreciseTimer::Arm),
                                           InstanceMethod("disarm", &PreciseTimer::Disarm),
                                           InstanceMethod("close", &PreciseTimer::Close)}));
}

// new PreciseTimer(onExpired)
PreciseTimer::PreciseTimer(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<PreciseTimer>(info), async_context_(info.Env(), "tskad:PreciseTimer") {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(env, "new PreciseTimer(onExpired)");
  on_expired_ = Napi::Persistent(info[0].As<Napi::Function>());
  fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd_ < 0) throw ErrnoError(env, "timerfd_create", errno);
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
    Stop();
    throw Napi::Error::New(env, "no libuv event loop");
  }
  poll_ = new uv_poll_t;
  if (int err = uv_poll_init(loop, poll_, fd_); err != 0) {
    delete poll_;
    poll_ = nullptr;
    Stop();
    throw Napi::Error::New(env, std::string("uv_poll_init: ") + uv_strerror(err));
  }
  poll_->data = this;
  lateness_ = std::make_unique<ExpiryLateness>(loop);
  Ref();
}

PreciseTimer::~PreciseTimer() { Stop(); }

// arm(delayMs, prelude?): expires once, delayMs from now (clamped to 1 ns: a
// zero it_value would disarm). An armed timer keeps the event loop alive, as
// a pending setTimeout does; a disarmed one does not. The prelude's ops run at
// the expiry, before onExpired(done), done being their errnos, or undefined
// when they did not run.
void PreciseTimer::Arm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "arm(delayMs: number, prelude?: PreludeOp[])");
  if (fd_ < 0) throw Napi::Error::New(env, "arm: the timer is closed");
  prelude_ = parsed_.Of(env, info[1]);
  double delay_ms = info[0].As<Napi::Number>().DoubleValue();
  int64_t delay_ns = std::isfinite(delay_ms) && delay_ms > 0 ? static_cast<int64_t>(std::ceil(delay_ms * 1e6)) : 1;
  if (delay_ns < 1) delay_ns = 1;
  // absolute, so the time spent getting here is not added to the delay
  int64_t due = MonotonicNs() + delay_ns;
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(due / 1000000000);
  spec.it_value.tv_nsec = static_cast<long>(due % 1000000000);
  if (timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr) < 0) throw ErrnoError(env, "timerfd_settime", errno);
  due_ns_ = due;
  lateness_->Armed();
  if (!polling_) {
    if (int err = uv_poll_start(poll_, UV_READABLE, OnExpired); err != 0)
      throw Napi::Error::New(env, std::string("uv_poll_start: ") + uv_strerror(err));
    polling_ = true;
  }
}

void PreciseTimer::Disarm(const Napi::CallbackInfo& info) {
  prelude_.clear();
  if (fd_ < 0) return;
  itimerspec off{};
  if (timerfd_settime(fd_, 0, &off, nullptr) < 0) throw ErrnoError(info.Env(), "timerfd_settime", errno);
  if (polling_) uv_poll_stop(poll_);
  polling_ = false;
  lateness_->Disarmed();
}

void PreciseTimer::OnExpired(uv_poll_t* handle, int status, int) {
  auto* self = static_cast<PreciseTimer*>(handle->data);
  if (self == nullptr || self->fd_ < 0) return;
  uint64_t expirations = 0;
  // nothing to read: a re-arm between the wakeup and here moved the expiry on
  if (status == 0 && read(self->fd_, &expirations, sizeof expirations) < 0) return;
  // one-shot: until the callback arms it again, nothing keeps the loop alive
  uv_poll_stop(self->poll_);
  self->polling_ = false;
  ExpiryLateness::Verdict verdict = self->lateness_->Judge(self->due_ns_);
  self->lateness_->Disarmed();
  std::optional<std::vector<int>> done = prelude::RunOnce(self->prelude_);
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  try {
    self->on_expired_.MakeCallback(self->Value(),
                                   {prelude::Outcome(env, done), Napi::Number::New(env, verdict.late_ms), Napi::Number::New(env, verdict.cause)},
                                   self->async_context_);
  } catch (const Napi::Error& e) {
    // as for a throwing setTimeout callback: an uncaught exception, not an abort
    napi_fatal_exception(env, e.Value());
  }
}

void PreciseTimer::Stop() {
  StopAndClose(poll_, fd_);
  polling_ = false;
  lateness_.reset();
}

void PreciseTimer::Close(const Napi::CallbackInfo&) {
  prelude_.clear();
  if (fd_ < 0) return;
  Stop();
  on_expired_.Reset();
  Unref();
}
