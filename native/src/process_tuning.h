// The VRRP process's scheduling settings of keepalived's global_defs
// (vrrp_rt_priority, vrrp_rlimit_rttime, vrrp_cpu_affinity), and the short
// EEVDF slice tskad adds (src/daemon/process-tuning.ts), which Node has no
// calls for. Each acts on the calling
// thread, Node's event loop, as keepalived's act on its single thread.
#pragma once

#include <napi.h>

namespace process_tuning {
void Init(Napi::Env env, Napi::Object exports);
}
