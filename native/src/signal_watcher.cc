#include "signal_watcher.h"

#include <sched.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <string>

#include "timer_prelude.h"

// What the handler passes a signal on to: built on the loop thread, never
// changed once published.
struct SignalRelay {
  std::vector<pid_t> pids;
  int signum = 0;
};

// A prelude the handler runs once, for whichever of the watcher's signals
// comes first. Its ops and sockets are fixed once published; `done` and the
// state are the handler's until the state leaves kRunning.
struct SignalPlan {
  enum State { kArmed, kRunning, kRan, kSkipped };
  prelude::Ops ops;
  std::vector<pollfd> sockets;
  std::vector<int> done;
  std::atomic<int> state{kArmed};
  // loop thread only: the ops array JavaScript gave, handed back with the outcome
  Napi::ObjectReference from;
  bool reported = false;
};

namespace {

// Per signal number, what the handler reads, and what it hands on to.
std::atomic<SignalRelay*> relays[NSIG];
std::atomic<SignalPlan*> plans[NSIG];
struct sigaction previous[NSIG];
// loop thread only
SignalWatcher* owners[NSIG];
// handlers running now, on any thread: what they may read is freed only at 0
std::atomic<int> running{0};
// the signal whose handler closed the farewell gate (0: none)
std::atomic<int> gate_closer{0};

// Whatever a handler loaded before a pointer was replaced, it has finished with.
void WaitIdle() {
  while (running.load() != 0) sched_yield();
}

// Async-signal-safe only: kill, poll, sendto and sendmsg, on data fixed in advance.
void FirstResponder(int signum, siginfo_t* info, void* context) {
  const int saved = errno;
  running.fetch_add(1);
  if (const SignalRelay* relay = relays[signum].load())
    for (pid_t pid : relay->pids) kill(pid, relay->signum);
  // a plan is the process's farewell: the first stop signal that finds one runs it, no later one does
  SignalPlan* plan = plans[signum].load();
  if (plan != nullptr && prelude::CloseForFarewell()) {
    gate_closer.store(signum);
    int armed = SignalPlan::kArmed;
    if (plan->state.compare_exchange_strong(armed, SignalPlan::kRunning)) {
      // a packet waiting may be an advert the state machine must see first, as in a timer's prelude
      const bool quiet = !prelude::PacketWaiting(plan->sockets.data(), plan->sockets.size());
      if (quiet)
        for (size_t i = 0; i < plan->ops.size(); i++) plan->done[i] = prelude::Send(plan->ops[i]);
      plan->state.store(quiet ? SignalPlan::kRan : SignalPlan::kSkipped);
    }
  }
  running.fetch_sub(1);
  errno = saved;
  // libuv's handler, which wakes the loop for the callback
  const struct sigaction& next = previous[signum];
  if (next.sa_flags & SA_SIGINFO) {
    if (next.sa_sigaction != nullptr) next.sa_sigaction(signum, info, context);
  } else if (next.sa_handler != SIG_DFL && next.sa_handler != SIG_IGN) {
    next.sa_handler(signum);
  }
}

void Install(int signum) {
  struct sigaction current {};
  sigaction(signum, nullptr, &current);
  previous[signum] = current;
  struct sigaction mine = current;
  mine.sa_sigaction = FirstResponder;
  mine.sa_flags = (current.sa_flags | SA_SIGINFO) & ~SA_RESETHAND;
  sigaction(signum, &mine, nullptr);
}

// Puts libuv's handler back, unless something replaced ours meanwhile.
void Uninstall(int signum) {
  struct sigaction current {};
  sigaction(signum, nullptr, &current);
  if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == FirstResponder) sigaction(signum, &previous[signum], nullptr);
}

std::vector<int> Signums(Napi::Env env, const Napi::Value& v) {
  std::vector<int> list;
  if (v.IsNumber()) list.push_back(v.As<Napi::Number>().Int32Value());
  else if (v.IsArray())
    for (uint32_t i = 0; i < v.As<Napi::Array>().Length(); i++) {
      Napi::Value n = v.As<Napi::Array>().Get(i);
      if (!n.IsNumber()) throw Napi::TypeError::New(env, "new SignalWatcher(signums, onSignal): a signal number must be a number");
      list.push_back(n.As<Napi::Number>().Int32Value());
    }
  if (list.empty()) throw Napi::TypeError::New(env, "new SignalWatcher(signums, onSignal)");
  for (int signum : list)
    if (signum <= 0 || signum >= NSIG) throw Napi::RangeError::New(env, "signal " + std::to_string(signum) + " does not exist");
  return list;
}

}  // namespace

void SignalWatcher::Init(Napi::Env env, Napi::Object exports) {
  exports.Set("SignalWatcher", DefineClass(env, "SignalWatcher",
                                           {InstanceMethod("close", &SignalWatcher::Close),
                                            InstanceMethod("relayTo", &SignalWatcher::RelayTo),
                                            InstanceMethod("setPrelude", &SignalWatcher::SetPrelude)}));
  exports.Set("farewellGone", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::Boolean::New(info.Env(), prelude::FarewellGone());
              }));
}

// new SignalWatcher(signum | signums, onSignal)
SignalWatcher::SignalWatcher(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<SignalWatcher>(info), async_context_(info.Env(), "tskad:SignalWatcher") {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[1].IsFunction()) throw Napi::TypeError::New(env, "new SignalWatcher(signums, onSignal)");
  std::vector<int> signums = Signums(env, info[0]);
  for (int signum : signums)
    if (owners[signum] != nullptr) throw Napi::Error::New(env, "signal " + std::to_string(signum) + " is watched already");
  on_signal_ = Napi::Persistent(info[1].As<Napi::Function>());
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) throw Napi::Error::New(env, "no libuv event loop");
  for (int signum : signums) {
    auto* handle = new uv_signal_t;
    uv_signal_init(loop, handle);
    handle->data = this;
    handles_.push_back(handle);
    if (int err = uv_signal_start(handle, OnSignal, signum); err != 0) {
      Stop();
      throw Napi::Error::New(env, std::string("uv_signal_start(") + std::to_string(signum) + "): " + uv_strerror(err));
    }
    // like process.on('SIGx'), a watched signal does not keep the loop alive
    uv_unref(reinterpret_cast<uv_handle_t*>(handle));
    signums_.push_back(signum);
    owners[signum] = this;
    Install(signum);
  }
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
  auto* next = new SignalRelay;
  next->signum = info[1].As<Napi::Number>().Int32Value();
  for (uint32_t i = 0; i < pids.Length(); i++) {
    int pid = Napi::Value(pids[i]).As<Napi::Number>().Int32Value();
    if (pid <= 0) {
      delete next;
      throw Napi::RangeError::New(env, "relayTo: a pid must be positive");
    }
    next->pids.push_back(pid);
  }
  for (int signum : signums_) relays[signum].store(next);
  WaitIdle();
  delete relay_;
  relay_ = next;
}

// setPrelude(ops?): sends done at the next delivery of any of the signals,
// before onSignal(signum, done, ops), done being their errnos and ops the
// array that ran (undefined: none ran). Packets only: a handler cannot wait
// for rtnetlink's answers. The process's first prelude to meet its signal is
// its farewell: it closes the farewell gate, and no prelude runs after it
// until this watcher is closed.
void SignalWatcher::SetPrelude(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  prelude::Ops ops = prelude::ParseOptional(env, info[0]);
  for (const prelude::Op& op : ops)
    if (op.kind == prelude::Op::kRtnl) throw Napi::TypeError::New(env, "a signal's prelude sends packets only: no 'rtnl' op");
  SignalPlan* next = nullptr;
  if (!ops.empty()) {
    next = new SignalPlan;
    next->ops = std::move(ops);
    next->sockets = prelude::SocketsOf(next->ops);
    next->done.assign(next->ops.size(), 0);
    next->from = Napi::Persistent(info[0].As<Napi::Object>());
  }
  for (int signum : signums_) plans[signum].store(next);
  WaitIdle();
  // a plan that ran since the last callback is reported by the next one
  if (plan_ != nullptr && plan_->state.load() != SignalPlan::kArmed && !plan_->reported) unreported_.push_back(plan_);
  else delete plan_;
  plan_ = next;
}

void SignalWatcher::OnSignal(uv_signal_t* handle, int signum) {
  auto* self = static_cast<SignalWatcher*>(handle->data);
  if (self != nullptr) self->Report(signum);
}

// The callback for one delivery, with the outcome of the plan the handler ran, if any.
void SignalWatcher::Report(int signum) {
  SignalPlan* ran = nullptr;
  bool retired = false;
  if (!unreported_.empty()) {
    ran = unreported_.front();
    unreported_.erase(unreported_.begin());
    retired = true;
  } else if (plan_ != nullptr && !plan_->reported) {
    int state = plan_->state.load();
    if (state == SignalPlan::kRan || state == SignalPlan::kSkipped) ran = plan_;
  }
  if (ran != nullptr) ran->reported = true;
  if (on_signal_.IsEmpty()) {
    if (retired) delete ran;
    return;
  }
  Napi::Env env = on_signal_.Env();
  Napi::HandleScope scope(env);
  Napi::Value done = env.Undefined();
  Napi::Value ops = env.Undefined();
  if (ran != nullptr && ran->state.load() == SignalPlan::kRan) {
    done = prelude::Outcome(env, ran->done);
    ops = ran->from.Value();
  }
  if (retired) delete ran;
  try {
    on_signal_.MakeCallback(env.Global(), {Napi::Number::New(env, signum), done, ops}, async_context_);
  } catch (const Napi::Error& e) {
    // a throwing handler becomes an uncaught exception, as for any Node I/O callback, not an abort
    napi_fatal_exception(env, e.Value());
  }
}

void SignalWatcher::Stop() {
  for (int signum : signums_) {
    Uninstall(signum);
    int closer = signum;
    if (gate_closer.compare_exchange_strong(closer, 0)) prelude::ReopenAfterFarewell();
    relays[signum].store(nullptr);
    plans[signum].store(nullptr);
    owners[signum] = nullptr;
  }
  signums_.clear();
  for (uv_signal_t* handle : handles_) {
    uv_signal_stop(handle);
    handle->data = nullptr;
    // libuv frees nothing itself: the handle is released once closed
    uv_close(reinterpret_cast<uv_handle_t*>(handle), [](uv_handle_t* h) { delete reinterpret_cast<uv_signal_t*>(h); });
  }
  handles_.clear();
  WaitIdle();
  delete relay_;
  relay_ = nullptr;
  delete plan_;
  plan_ = nullptr;
  for (SignalPlan* p : unreported_) delete p;
  unreported_.clear();
}

void SignalWatcher::Close(const Napi::CallbackInfo&) {
  if (handles_.empty()) return;
  Stop();
  on_signal_.Reset();
  Unref();
}
