#include "process_tuning.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "errors.h"

namespace process_tuning {
namespace {

// setRealtime(priority): SCHED_RR at `priority` (1..99); children forked
// later start as ordinary processes again (SCHED_RESET_ON_FORK), as keepalived's scripts do
void SetRealtime(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "setRealtime(priority: number)");
  sched_param sp{};
  sp.sched_priority = info[0].As<Napi::Number>().Int32Value();
  if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) != 0) throw ErrnoError(env, "sched_setscheduler", errno);
}

// setRealtimeLimit(softUs, hardUs): RLIMIT_RTTIME, the CPU time a realtime
// thread may use without blocking: SIGXCPU at the soft limit, SIGKILL at the hard
void SetRealtimeLimit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber())
    throw Napi::TypeError::New(env, "setRealtimeLimit(softUs: number, hardUs: number)");
  rlimit rl{static_cast<rlim_t>(info[0].As<Napi::Number>().Int64Value()), static_cast<rlim_t>(info[1].As<Napi::Number>().Int64Value())};
  if (setrlimit(RLIMIT_RTTIME, &rl) != 0) throw ErrnoError(env, "setrlimit RLIMIT_RTTIME", errno);
}

// struct sched_attr of sched_setattr(2), which glibc before 2.41 neither
// declares nor wraps
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};
constexpr uint64_t kSchedFlagResetOnFork = 0x01;

// setSlice(ns): the thread's EEVDF slice (Linux >= 6.12, sched_runtime of a
// SCHED_OTHER thread, clamped by the kernel to 0.1..100 ms; older kernels
// ignore it). A slice shorter than its neighbours' lets a woken thread
// preempt them at once instead of waiting for their slice to end. The nice
// value is kept; children forked later get the default slice again.
void SetSlice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "setSlice(ns: number)");
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  if (errno != 0) throw ErrnoError(env, "getpriority", errno);
  SchedAttr attr{};
  attr.size = sizeof attr;
  attr.sched_policy = SCHED_OTHER;
  attr.sched_flags = kSchedFlagResetOnFork;
  attr.sched_nice = nice;
  attr.sched_runtime = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
  if (syscall(SYS_sched_setattr, 0, &attr, 0) != 0) throw ErrnoError(env, "sched_setattr", errno);
}

// setAffinity(cpus): the CPUs the thread may run on
void SetAffinity(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "setAffinity(cpus: number[])");
  auto cpus = info[0].As<Napi::Array>();
  cpu_set_t set;
  CPU_ZERO(&set);
  for (uint32_t i = 0; i < cpus.Length(); i++) {
    int cpu = Napi::Value(cpus[i]).As<Napi::Number>().Int32Value();
    if (cpu < 0 || cpu >= CPU_SETSIZE) throw Napi::RangeError::New(env, "setAffinity: no CPU " + std::to_string(cpu));
    CPU_SET(cpu, &set);
  }
  if (sched_setaffinity(0, sizeof set, &set) != 0) throw ErrnoError(env, "sched_setaffinity", errno);
}

}  // namespace

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("setRealtime", Napi::Function::New(env, SetRealtime, "setRealtime"));
  exports.Set("setRealtimeLimit", Napi::Function::New(env, SetRealtimeLimit, "setRealtimeLimit"));
  exports.Set("setSlice", Napi::Function::New(env, SetSlice, "setSlice"));
  exports.Set("setAffinity", Napi::Function::New(env, SetAffinity, "setAffinity"));
}

}  // namespace process_tuning
