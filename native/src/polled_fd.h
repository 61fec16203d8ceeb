// Ends the event loop's watch on a descriptor and closes it: the uv_poll
// handle is freed once libuv is done with it (uv_close), the descriptor at
// once. For the classes that poll a descriptor of their own.
#pragma once

#include <unistd.h>
#include <uv.h>

inline void StopAndClose(uv_poll_t*& poll, int& fd) {
  if (poll != nullptr) {
    uv_poll_stop(poll);
    poll->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(poll), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    poll = nullptr;
  }
  if (fd >= 0) close(fd);
  fd = -1;
}
