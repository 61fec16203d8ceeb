// The work a VRRP timer's expiry starts with, prepared in advance and
// carried out by the precise timer the instant it expires, before any
// JavaScript runs (precise_timer.h): a backup's takeover — the advert, the
// VIPs' RTM_NEWADDR requests and the gratuitous ARPs — or a master's advert,
// each built in JavaScript as bytes (src/vrrp/timer-prelude.ts). Done from
// JavaScript, a first takeover's took 1–2 ms; keepalived, all C, needs
// microseconds.
//
// A VRRP socket of the prelude with a packet waiting stops it: that packet
// may be an advert that arrived before the timer ran out, which the state
// machine must see first.
#pragma once

#include <napi.h>
#include <netinet/in.h>
#include <poll.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace prelude {

struct Op {
  enum Kind { kIpv4, kIpv6, kFrame, kRtnl } kind;
  int fd = -1;
  int ifindex = 0;
  int hop_limit = -1;
  in6_addr src{};
  in6_addr dst{};
  std::vector<uint8_t> data;
};

using Ops = std::vector<Op>;

// The ops of arm(delayMs, ops): [{ kind: 'ipv4' | 'ipv6' | 'frame' | 'rtnl', data, fd?, ifindex?, src?, dst?, hopLimit? }].
// Throws a TypeError naming the op that is not one; opens the rtnetlink socket for 'rtnl' ops.
Ops Parse(Napi::Env env, const Napi::Array& ops);

// The ops of an optional argument: an array of ops, or none for undefined / absent.
Ops ParseOptional(Napi::Env env, const Napi::Value& ops);

// The ops of the array parsed last, kept with a reference to it: an array
// armed again is not parsed again. A backup re-arms its master-down timer at
// every advert it hears, with the takeover prelude it keeps (the JavaScript
// side never changes an ops array once made).
class ParsedOps {
 public:
  Ops Of(Napi::Env env, const Napi::Value& ops);

 private:
  Napi::ObjectReference from_;
  Ops ops_;
};

// The VRRP sockets the ops send on, for PacketWaiting.
std::vector<pollfd> SocketsOf(const Ops& ops);

// Whether one of `sockets` has a packet waiting (a poll that fails cannot say
// they are quiet). Async-signal-safe, as Send is: a signal handler may run both.
bool PacketWaiting(pollfd* sockets, size_t count);

// Sends one op that is not kRtnl: 0, or the errno of the send.
int Send(const Op& op);

// Runs each op in order, once: errno per op, 0 when done, and `ops` is left
// empty. nullopt when there were none, or, with nothing done, when a VRRP
// socket the ops send on has a packet waiting or the farewell has gone.
std::optional<std::vector<int>> RunOnce(Ops& ops);

// The process's farewell gate. A stop signal's handler closes it when it
// finds the process's farewell (its MASTERs' priority-0 adverts,
// signal_watcher.h), sent or, with a packet waiting, left to the stop's
// JavaScript, so that those are the last adverts peers hear from it:
// once it is closed no farewell runs again, no timer prelude runs (RunOnce
// returns nullopt; the JavaScript that follows sends nothing above priority
// 0), and farewellGone() tells JavaScript's own send path. Async-signal-safe.
bool FarewellGone();
// Closes the gate: true for the one call that closed it.
bool CloseForFarewell();
// Opens it again, for the watcher whose signal closed it, when that watcher closes.
void ReopenAfterFarewell();

// What RunOnce returned, for the callback that follows: an array of errnos, or undefined.
Napi::Value Outcome(Napi::Env env, const std::optional<std::vector<int>>& done);

}  // namespace prelude
