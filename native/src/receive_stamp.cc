#include "receive_stamp.h"

#include <dirent.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstdlib>

#include "errors.h"

namespace receive_stamp {

double AgeMs(int64_t stamp_sec, int64_t stamp_nsec) {
  if (stamp_sec <= 0) return -1;
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<double>(now.tv_sec - stamp_sec) * 1e3 + static_cast<double>(now.tv_nsec - stamp_nsec) / 1e6;
}

namespace {

int SocketOption(int fd, int option) {
  int value = -1;
  socklen_t len = sizeof value;
  return getsockopt(fd, SOL_SOCKET, option, &value, &len) == 0 ? value : -1;
}

// rawSocketFds(domain, protocol): this process's SOCK_RAW descriptors of that
// address family and protocol. Called around the opening of a socket whose
// package keeps its descriptor to itself: the one new entry is that socket.
Napi::Value RawSocketFds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber())
    throw Napi::TypeError::New(env, "rawSocketFds(domain: number, protocol: number)");
  int domain = info[0].As<Napi::Number>().Int32Value();
  int protocol = info[1].As<Napi::Number>().Int32Value();
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) throw ErrnoError(env, "opendir /proc/self/fd", errno);
  Napi::Array fds = Napi::Array::New(env);
  uint32_t n = 0;
  for (dirent* e = readdir(dir); e != nullptr; e = readdir(dir)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    int fd = std::atoi(e->d_name);
    if (fd == dirfd(dir)) continue;
    if (SocketOption(fd, SO_TYPE) == SOCK_RAW && SocketOption(fd, SO_DOMAIN) == domain && SocketOption(fd, SO_PROTOCOL) == protocol)
      fds.Set(n++, Napi::Number::New(env, fd));
  }
  closedir(dir);
  return fds;
}

// receiveAge(fd): ms since the last packet read from `fd` reached the host
// (SIOCGSTAMPNS), or -1 if there is none to be had. The first call on a
// socket turns its stamping on and answers -1; each packet read after it has
// one. Never throws: it runs on every packet, where a stamp is a refinement.
Napi::Value ReceiveAge(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "receiveAge(fd: number)");
  timespec stamp{};
  if (ioctl(info[0].As<Napi::Number>().Int32Value(), SIOCGSTAMPNS, &stamp) != 0) return Napi::Number::New(env, -1);
  return Napi::Number::New(env, AgeMs(stamp.tv_sec, stamp.tv_nsec));
}

}  // namespace

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("rawSocketFds", Napi::Function::New(env, RawSocketFds, "rawSocketFds"));
  exports.Set("receiveAge", Napi::Function::New(env, ReceiveAge, "receiveAge"));
}

}  // namespace receive_stamp
