// Sends whole Ethernet frames on an interface through an AF_PACKET socket
// (packet(7)): the gratuitous ARPs and unsolicited NAs a new VRRP master sends
// (RFC 5798 §6.4.1), built byte for byte by src/net/announce.ts.
#pragma once

#include <napi.h>

class PacketSocket : public Napi::ObjectWrap<PacketSocket> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit PacketSocket(const Napi::CallbackInfo& info);
  ~PacketSocket() override;

 private:
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Fd(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);

  int fd_ = -1;
};
