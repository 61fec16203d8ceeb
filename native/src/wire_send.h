// The system calls that put a VRRP advert or an Ethernet frame on the wire,
// shared by the sockets' own send() and the timer prelude
// (timer_prelude.h). Each returns 0 or the errno; none throws.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

namespace wire {
// The msghdr of one datagram: its address, one buffer, its ancillary data (sendmsg and recvmsg alike).
inline msghdr Datagram(void* name, socklen_t name_length, iovec* iov, void* control, size_t control_length) {
  msghdr msg{};
  msg.msg_name = name;
  msg.msg_namelen = name_length;
  msg.msg_iov = iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = control_length;
  return msg;
}

// A whole IPv4 packet, header included (the socket has IP_HDRINCL), to `dst`.
int SendIpv4(int fd, const uint8_t* packet, size_t length, const in_addr& dst);
// A VRRP message over a raw IPv6 socket: from `src` out of `ifindex`
// (IPV6_PKTINFO); hop_limit < 0 keeps the socket's.
int SendVrrp6(int fd, int ifindex, const uint8_t* message, size_t length, const in6_addr& src, const in6_addr& dst, int hop_limit);
// A whole Ethernet frame over an AF_PACKET socket, on `ifindex`.
int SendFrame(int fd, const uint8_t* frame, size_t length, int ifindex);
}  // namespace wire
