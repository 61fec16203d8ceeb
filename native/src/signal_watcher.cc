#include "signal_watcher.h"

#include <signal.h>

#include <string>

void SignalWatcher::Init(Napi::Env env, Napi::Object exports) {
  exports.Set("SignalWatcher", DefineClass(env, "SignalWatcher",
                                           {InstanceMethod("close", &SignalWatcher::Close),
                                            InstanceMethod("relayTo", &SignalWatcher::RelayTo),
                                            InstanceMethod("setPrelude", &SignalWatcher::SetPrelude)}));
}

// new SignalWatcher(signum, onSignal)
SignalWatcher::SignalWatcher(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<SignalWatcher>(info), async_context_(info.Env(), "tskad:SignalWatcher") {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsFunction())
    throw Napi::TypeError::New(env, "new SignalWatcher(signum, onSignal)");
  int signum = info[0].As<Napi::Number>().Int32Value();
  on_signal_ = Napi::Persistent(info[1].As<Napi::Function>());
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) throw Napi::Error::New(env, "no libuv event loop");
  handle_ = new uv_signal_t;
  uv_signal_init(loop, handle_);
  handle_->data = this;
  if (int err = uv_signal_start(handle_, OnSignal, signum); err != 0) {
    Stop();
    throw Napi::Error::New(env, std::string("uv_signal_start(") + std::to_string(signum) + "): " + uv_strerror(err));
  }
  // like process.on('SIGx'), a watched signal does not keep the loop alive
  uv_unref(reinterpret_cast<uv_handle_t*>(handle_));
  Ref();
}

SignalWatcher::~SignalWatcher() { Stop(); }

// relayTo(pids, signum): on each delivery, `signum` goes to each of `pids`
// first, then onSignal runs. The caller keeps the list to live children.
void SignalWatcher::RelayTo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsArray() || !info[1].IsNumber())
    throw Napi::TypeError::New(env, "relayTo(pids: number[], signum: number)");
  auto pids = info[0].As<Napi::Array>();
  std::vector<pid_t> list;
  for (uint32_t i = 0; i < pids.Length(); i++) {
    int pid = Napi::Value(pids[i]).As<Napi::Number>().Int32Value();
    if (pid <= 0) throw Napi::RangeError::New(env, "relayTo: a pid must be positive");
    list.push_back(pid);
  }
  relay_pids_ = std::move(list);
  relay_signum_ = info[1].As<Napi::Number>().Int32Value();
}

// setPrelude(ops?): sends done at the next delivery, after the relay and
// before onSignal(signum, done), done being their errnos (undefined: none ran).
void SignalWatcher::SetPrelude(const Napi::CallbackInfo& info) {
  prelude_ = prelude::ParseOptional(info.Env(), info[0]);
}

void SignalWatcher::OnSignal(uv_signal_t* handle, int signum) {
  auto* self = static_cast<SignalWatcher*>(handle->data);
  if (self == nullptr) return;
  for (pid_t pid : self->relay_pids_) kill(pid, self->relay_signum_);
  std::optional<std::vector<int>> done = prelude::RunOnce(self->prelude_);
  if (self->on_signal_.IsEmpty()) return;
  Napi::Env env = self->on_signal_.Env();
  Napi::HandleScope scope(env);
  try {
    self->on_signal_.MakeCallback(env.Global(), {Napi::Number::New(env, signum), prelude::Outcome(env, done)}, self->async_context_);
  } catch (const Napi::Error& e) {
    // a throwing handler becomes an uncaught exception, as for any Node I/O callback, not an abort
    napi_fatal_exception(env, e.Value());
  }
}

void SignalWatcher::Stop() {
  if (handle_ == nullptr) return;
  uv_signal_stop(handle_);
  handle_->data = nullptr;
  // libuv frees nothing itself: the handle is released once closed
  uv_close(reinterpret_cast<uv_handle_t*>(handle_), [](uv_handle_t* h) { delete reinterpret_cast<uv_signal_t*>(h); });
  handle_ = nullptr;
}

void SignalWatcher::Close(const Napi::CallbackInfo&) {
  if (handle_ == nullptr) return;
  Stop();
  on_signal_.Reset();
  Unref();
}
