#include "wire_send.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace wire {

int SendIpv4(int fd, const uint8_t* packet, size_t length, const in_addr& dst) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr = dst;
  return sendto(fd, packet, length, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0 ? errno : 0;
}

int SendVrrp6(int fd, int ifindex, const uint8_t* message, size_t length, const in6_addr& src, const in6_addr& dst, int hop_limit) {
  in6_pktinfo from{};
  from.ipi6_addr = src;
  from.ipi6_ifindex = static_cast<unsigned>(ifindex);
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  to.sin6_addr = dst;
  to.sin6_scope_id = static_cast<uint32_t>(ifindex);

  iovec iov{const_cast<uint8_t*>(message), length};
  alignas(cmsghdr) unsigned char control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int))] = {};
  msghdr msg = Datagram(&to, sizeof to, &iov, control, CMSG_SPACE(sizeof(in6_pktinfo)) + (hop_limit >= 0 ? CMSG_SPACE(sizeof(int)) : 0));
  // the source address and interface, per packet (RFC 3542 §6.1)
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof from);
  std::memcpy(CMSG_DATA(c), &from, sizeof from);
  if (hop_limit >= 0) {
    c = CMSG_NXTHDR(&msg, c);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_HOPLIMIT;
    c->cmsg_len = CMSG_LEN(sizeof hop_limit);
    std::memcpy(CMSG_DATA(c), &hop_limit, sizeof hop_limit);
  }
  // keepalived sends multicast adverts with MSG_DONTROUTE: on-link only
  int flags = IN6_IS_ADDR_MULTICAST(&to.sin6_addr) ? MSG_DONTROUTE : 0;
  return sendmsg(fd, &msg, flags) < 0 ? errno : 0;
}

int SendFrame(int fd, const uint8_t* frame, size_t length, int ifindex) {
  if (length < ETH_HLEN) return EINVAL;
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_ifindex = ifindex;
  // the frame's own EtherType (already in network order) and destination MAC
  std::memcpy(&to.sll_protocol, frame + 2 * ETH_ALEN, sizeof to.sll_protocol);
  to.sll_halen = ETH_ALEN;
  std::memcpy(to.sll_addr, frame, ETH_ALEN);
  return sendto(fd, frame, length, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0 ? errno : 0;
}

}  // namespace wire
