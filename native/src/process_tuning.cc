#include "process_tuning.h"

#include <sched.h>
#include <sys/resource.h>

#include <cerrno>
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
  exports.Set("setAffinity", Napi::Function::New(env, SetAffinity, "setAffinity"));
}

}  // namespace process_tuning
