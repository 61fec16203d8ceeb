#include "packet_socket.h"

#include <linux/if_ether.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errors.h"
#include "wire_send.h"

void PacketSocket::Init(Napi::Env env, Napi::Object exports) {
  exports.Set("PacketSocket", DefineClass(env, "PacketSocket",
                                          {InstanceMethod("send", &PacketSocket::Send),
                                           InstanceAccessor<&PacketSocket::Fd>("fd"),
                                           InstanceMethod("close", &PacketSocket::Close)}));
}

// Protocol 0: the socket receives nothing (packet(7)), so it needs no filter
// and no reader; one socket serves every interface, as keepalived's garp_fd.
PacketSocket::PacketSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PacketSocket>(info) {
  fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw ErrnoError(info.Env(), "socket(AF_PACKET)", errno);
}

PacketSocket::~PacketSocket() {
  if (fd_ >= 0) close(fd_);
}

// send(frame: Buffer, ifindex: number): number of bytes sent
Napi::Value PacketSocket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsBuffer() || !info[1].IsNumber())
    throw Napi::TypeError::New(env, "send(frame: Buffer, ifindex: number)");
  if (fd_ < 0) throw Napi::Error::New(env, "send: the packet socket is closed");
  auto frame = info[0].As<Napi::Buffer<uint8_t>>();
  if (frame.Length() < ETH_HLEN) throw Napi::RangeError::New(env, "send: shorter than an Ethernet header");

  if (int err = wire::SendFrame(fd_, frame.Data(), frame.Length(), info[1].As<Napi::Number>().Int32Value()); err != 0)
    throw ErrnoError(env, "sendto(AF_PACKET)", err);
  return Napi::Number::New(env, static_cast<double>(frame.Length()));
}

// the descriptor, for the frames of a timer prelude (timer_prelude.h); -1 once closed
Napi::Value PacketSocket::Fd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), fd_); }

void PacketSocket::Close(const Napi::CallbackInfo&) {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}
