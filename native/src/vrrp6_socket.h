// The IPv6 VRRP socket (RFC 5798 §5.1.2): a raw socket for protocol 112 on one
// interface, bound to the address adverts reach us at — the multicast group
// (joined on the interface) or, in unicast mode, our own source address.
// Each packet is read with recvmsg so it comes with its destination, hop
// limit and interface (RFC 3542 §6), which a plain recvfrom cannot give.
// The readable socket is watched by libuv (uv_poll) on the Node event loop and
// every packet goes to a JS callback; no threads.
#pragma once

#include <napi.h>
#include <netinet/in.h>
#include <uv.h>

#include <array>
#include <string>

class Vrrp6Socket : public Napi::ObjectWrap<Vrrp6Socket> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit Vrrp6Socket(const Napi::CallbackInfo& info);
  ~Vrrp6Socket() override;

 private:
  void Configure(Napi::Env env, const std::string& ifname, const in6_addr& address);
  void SetInt(Napi::Env env, int level, int option, int value, const char* name);
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Fd(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);
  void StartPolling(Napi::Env env);
  void StopPolling();
  static void OnReadable(uv_poll_t* handle, int status, int events);
  void Drain(int status);
  bool Deliver(Napi::FunctionReference& callback, const std::initializer_list<napi_value>& args);

  int fd_ = -1;
  int ifindex_ = 0;
  uv_poll_t* poll_ = nullptr;
  Napi::FunctionReference on_packet_;
  Napi::FunctionReference on_error_;
  Napi::AsyncContext async_context_;
  // an IPv6 payload without a jumbogram option fits: never truncated
  std::array<uint8_t, 65535> buffer_;
};
