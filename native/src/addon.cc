// Entry point of tskad's native addon: registers its socket classes, the signal watcher, the precise timer, the process tuning calls and receive stamps.
// The typed JS side is src/net/native.ts.
#include <napi.h>

#include "packet_socket.h"
#include "precise_timer.h"
#include "process_tuning.h"
#include "receive_stamp.h"
#include "signal_watcher.h"
#include "vrrp6_socket.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  PacketSocket::Init(env, exports);
  Vrrp6Socket::Init(env, exports);
  SignalWatcher::Init(env, exports);
  PreciseTimer::Init(env, exports);
  process_tuning::Init(env, exports);
  receive_stamp::Init(env, exports);
  return exports;
}

NODE_API_MODULE(tskad_native, Init)
