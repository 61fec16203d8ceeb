// When a received packet reached the host: the kernel's receive timestamp of
// the last packet read from a socket, so that a timer restarted by a packet
// (VRRP's Master_Down_Timer) counts from its arrival, not from the moment the
// event loop got round to it. For sockets opened by a package that does not
// hand out its descriptor (raw-socket), also the way to find that descriptor.
#pragma once

#include <napi.h>

namespace receive_stamp {
// ms from the stamp (CLOCK_REALTIME, as the kernel keeps it) to now; negative when there is none
double AgeMs(int64_t stamp_sec, int64_t stamp_nsec);
void Init(Napi::Env env, Napi::Object exports);
}  // namespace receive_stamp
