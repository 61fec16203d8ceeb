#include "vrrp6_socket.h"

#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errors.h"
#include "polled_fd.h"
#include "receive_stamp.h"
#include "wire_send.h"

namespace {
constexpr int kIpprotoVrrp = 112;
// RFC 5798 §5.2.8: the checksum is at offset 6 of the VRRP message
constexpr int kChecksumOffset = 6;
// RFC 5798 §5.1.2.3: adverts go out with hop limit 255
constexpr int kVrrpHopLimit = 255;
// keepalived's traffic class: precedence "internetwork control" (CS6)
constexpr int kTrafficClass = 0xc0;
// packets read per wakeup, so a flood cannot starve the loop's timers
constexpr int kMaxPacketsPerWake = 64;

in6_addr AddressArg(Napi::Env env, const Napi::Value& v, const char* what) {
  if (!v.IsBuffer() || v.As<Napi::Buffer<uint8_t>>().Length() != sizeof(in6_addr))
    throw Napi::TypeError::New(env, std::string(what) + " must be a 16-byte Buffer");
  in6_addr a;
  std::memcpy(&a, v.As<Napi::Buffer<uint8_t>>().Data(), sizeof a);
  return a;
}
}  // namespace

void Vrrp6Socket::Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Vrrp6Socket", DefineClass(env, "Vrrp6Socket",
                                         {InstanceMethod("send", &Vrrp6Socket::Send),
                                          InstanceAccessor<&Vrrp6Socket::Fd>("fd"),
                                          InstanceMethod("close", &Vrrp6Socket::Close)}));
}

// new Vrrp6Socket({ ifname, ifindex, address }, onPacket, onError)
// `address`: the multicast group to join, or the local unicast address.
Vrrp6Socket::Vrrp6Socket(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Vrrp6Socket>(info), async_context_(info.Env(), "tskad:Vrrp6Socket") {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsObject() || !info[1].IsFunction() || !info[2].IsFunction())
    throw Napi::TypeError::New(env, "new Vrrp6Socket({ ifname, ifindex, address }, onPacket, onError)");
  Napi::Object opts = info[0].As<Napi::Object>();
  if (!opts.Get("ifname").IsString() || !opts.Get("ifindex").IsNumber())
    throw Napi::TypeError::New(env, "ifname must be a string and ifindex a number");
  std::string ifname = opts.Get("ifname").As<Napi::String>().Utf8Value();
  ifindex_ = opts.Get("ifindex").As<Napi::Number>().Int32Value();
  in6_addr address = AddressArg(env, opts.Get("address"), "address");

  on_packet_ = Napi::Persistent(info[1].As<Napi::Function>());
  on_error_ = Napi::Persistent(info[2].As<Napi::Function>());
  fd_ = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, kIpprotoVrrp);
  if (fd_ < 0) throw ErrnoError(env, "socket(AF_INET6, SOCK_RAW, 112)", errno);
  try {
    Configure(env, ifname, address);
    StartPolling(env);
  } catch (...) {
    StopPolling();
    throw;
  }
  // an open socket stays alive, like a listening server, until close()
  Ref();
}

void Vrrp6Socket::StartPolling(Napi::Env env) {
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) throw Napi::Error::New(env, "no libuv event loop");
  auto* poll = new uv_poll_t;
  if (int err = uv_poll_init_socket(loop, poll, fd_); err != 0) {
    delete poll;
    throw Napi::Error::New(env, std::string("uv_poll_init_socket: ") + uv_strerror(err));
  }
  poll->data = this;
  poll_ = poll;
  if (int err = uv_poll_start(poll_, UV_READABLE, OnReadable); err != 0)
    throw Napi::Error::New(env, std::string("uv_poll_start: ") + uv_strerror(err));
}

// The options keepalived 2.2.7 sets on its read and send sockets
// (vrrp.c open_vrrp_read_socket / open_vrrp_send_socket), on one socket.
void Vrrp6Socket::Configure(Napi::Env env, const std::string& ifname, const in6_addr& address) {
  if (setsockopt(fd_, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), static_cast<socklen_t>(ifname.size() + 1)) < 0)
    throw ErrnoError(env, "setsockopt SO_BINDTODEVICE " + ifname, errno);
  // only the groups this socket joined, not every group the host is in
  SetInt(env, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL");
  bool multicast = IN6_IS_ADDR_MULTICAST(&address);
  if (multicast) {
    ipv6_mreq join{};
    join.ipv6mr_multiaddr = address;
    join.ipv6mr_interface = static_cast<unsigned>(ifindex_);
    if (setsockopt(fd_, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &join, sizeof join) < 0)
      throw ErrnoError(env, "setsockopt IPV6_ADD_MEMBERSHIP", errno);
    SetInt(env, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex_, "IPV6_MULTICAST_IF");
    SetInt(env, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, kVrrpHopLimit, "IPV6_MULTICAST_HOPS");
    // our own adverts are not news to us
    SetInt(env, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
  }
  // bound to the group, unicast packets to us are not delivered here; bound
  // to our unicast address, bind fails if the address is not on the host
  sockaddr_in6 local{};
  local.sin6_family = AF_INET6;
  local.sin6_addr = address;
  local.sin6_scope_id = static_cast<uint32_t>(ifindex_);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0) throw ErrnoError(env, "bind", errno);
  SetInt(env, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
  SetInt(env, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
  SetInt(env, SOL_SOCKET, SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS");
  // RFC 3542 §3.1: the kernel fills in the checksum on send and drops
  // packets whose checksum is wrong on receive
  SetInt(env, IPPROTO_IPV6, IPV6_CHECKSUM, kChecksumOffset, "IPV6_CHECKSUM");
  SetInt(env, IPPROTO_IPV6, IPV6_TCLASS, kTrafficClass, "IPV6_TCLASS");
}

void Vrrp6Socket::SetInt(Napi::Env env, int level, int option, int value, const char* name) {
  if (setsockopt(fd_, level, option, &value, sizeof value) < 0)
    throw ErrnoError(env, std::string("setsockopt ") + name, errno);
}

Vrrp6Socket::~Vrrp6Socket() {
  StopPolling();
}

void Vrrp6Socket::StopPolling() { StopAndClose(poll_, fd_); }

void Vrrp6Socket::Close(const Napi::CallbackInfo&) {
  if (fd_ < 0) return;
  StopPolling();
  Unref();
}

// send(message: Buffer, src: Buffer, dst: Buffer, hopLimit: number): bytes sent.
// hopLimit < 0 leaves the socket's own (255 for multicast, else the kernel's).
Napi::Value Vrrp6Socket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsBuffer() || !info[3].IsNumber())
    throw Napi::TypeError::New(env, "send(message: Buffer, src: Buffer, dst: Buffer, hopLimit: number)");
  if (fd_ < 0) throw Napi::Error::New(env, "send: the VRRP socket is closed");
  auto message = info[0].As<Napi::Buffer<uint8_t>>();
  in6_addr src = AddressArg(env, info[1], "src");
  in6_addr dst = AddressArg(env, info[2], "dst");
  int hop_limit = info[3].As<Napi::Number>().Int32Value();
  if (int err = wire::SendVrrp6(fd_, ifindex_, message.Data(), message.Length(), src, dst, hop_limit); err != 0)
    throw ErrnoError(env, "sendmsg", err);
  return Napi::Number::New(env, static_cast<double>(message.Length()));
}

// the descriptor, for the adverts of a timer prelude (timer_prelude.h); -1 once closed
Napi::Value Vrrp6Socket::Fd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), fd_); }

void Vrrp6Socket::OnReadable(uv_poll_t* handle, int status, int) {
  static_cast<Vrrp6Socket*>(handle->data)->Drain(status);
}

// Reads what is queued (up to kMaxPacketsPerWake; the poll fires again for
// the rest) and hands each packet to onPacket(message, source, destination,
// hopLimit, ifindex, age), addresses as 16-byte Buffers, age the ms since the
// packet reached the host (its kernel receive stamp; -1 without one).
void Vrrp6Socket::Drain(int status) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  if (status < 0) {
    Deliver(on_error_, {Napi::Error::New(env, std::string("poll: ") + uv_strerror(status)).Value()});
    return;
  }
  for (int i = 0; i < kMaxPacketsPerWake && fd_ >= 0; i++) {
    sockaddr_in6 from{};
    iovec iov{buffer_.data(), buffer_.size()};
    alignas(cmsghdr) unsigned char control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(timespec))];
    msghdr msg = wire::Datagram(&from, sizeof from, &iov, control, sizeof control);
    ssize_t got = recvmsg(fd_, &msg, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) Deliver(on_error_, {ErrnoError(env, "recvmsg", errno).Value()});
      return;
    }
    in6_pktinfo to{};
    int hop_limit = -1;
    timespec stamp{};
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) std::memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
      if (c->cmsg_level != IPPROTO_IPV6) continue;
      if (c->cmsg_type == IPV6_PKTINFO) std::memcpy(&to, CMSG_DATA(c), sizeof to);
      if (c->cmsg_type == IPV6_HOPLIMIT) std::memcpy(&hop_limit, CMSG_DATA(c), sizeof hop_limit);
    }
    bool delivered = Deliver(on_packet_, {
        Napi::Buffer<uint8_t>::Copy(env, buffer_.data(), static_cast<size_t>(got)),
        Napi::Buffer<uint8_t>::Copy(env, from.sin6_addr.s6_addr, sizeof from.sin6_addr),
        Napi::Buffer<uint8_t>::Copy(env, to.ipi6_addr.s6_addr, sizeof to.ipi6_addr),
        Napi::Number::New(env, hop_limit),
        Napi::Number::New(env, to.ipi6_ifindex),
        Napi::Number::New(env, receive_stamp::AgeMs(stamp.tv_sec, stamp.tv_nsec)),
    });
    if (!delivered) return;
  }
}

// Calls into JS as an I/O callback (so promises and nextTick run after it).
// A throwing callback becomes an uncaught exception, as in any Node I/O
// callback; false tells the caller to stop reading.
bool Vrrp6Socket::Deliver(Napi::FunctionReference& callback, const std::initializer_list<napi_value>& args) {
  try {
    callback.MakeCallback(Value(), args, async_context_);
    return true;
  } catch (const Napi::Error& e) {
    napi_fatal_exception(Env(), e.Value());
    return false;
  }
}
