#include "timer_prelude.h"

#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "errors.h"
#include "wire_send.h"

namespace prelude {
namespace {

// rtnetlink answers within the sendmsg that carries a request (the kernel
// runs it on the sender's stack), so the answer is normally waiting already;
// this only bounds a kernel that would not answer at all
constexpr int kAnswerWaitMs = 100;

std::atomic<bool> farewell_gone{false};
static_assert(std::atomic<bool>::is_always_lock_free, "a signal handler closes the farewell gate");

// One socket for every prelude of the process, opened with the first.
int rtnl_fd = -1;
uint32_t rtnl_seq = 0;

void OpenRtnl(Napi::Env env) {
  if (rtnl_fd >= 0) return;
  rtnl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (rtnl_fd < 0) throw ErrnoError(env, "socket(AF_NETLINK, NETLINK_ROUTE)", errno);
}

// Sends one request, with a sequence number of its own: 0, or the errno of the send.
int RtnlSend(const std::vector<uint8_t>& request, uint32_t seq) {
  if (request.size() < sizeof(nlmsghdr)) return EINVAL;
  std::vector<uint8_t> msg(request);
  auto* head = reinterpret_cast<nlmsghdr*>(msg.data());
  head->nlmsg_seq = seq;
  head->nlmsg_pid = 0;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  return sendto(rtnl_fd, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0 ? errno : 0;
}

// Reads the answers (NLM_F_ACK) to the requests sent as `seqs`, into their
// places in `done`: 0, or the errno the kernel refused it with.
void RtnlAnswers(const std::vector<std::pair<uint32_t, size_t>>& seqs, std::vector<int>& done) {
  size_t left = seqs.size();
  alignas(nlmsghdr) std::array<uint8_t, 8192> answer;
  while (left > 0) {
    pollfd p{rtnl_fd, POLLIN, 0};
    int ready = poll(&p, 1, kAnswerWaitMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      int err = ready == 0 ? ETIMEDOUT : errno;
      for (const auto& [seq, at] : seqs)
        if (done[at] == -1) done[at] = err;
      return;
    }
    ssize_t got = recv(rtnl_fd, answer.data(), answer.size(), MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      int err = errno;
      for (const auto& [seq, at] : seqs)
        if (done[at] == -1) done[at] = err;
      return;
    }
    int length = static_cast<int>(got);
    for (auto* h = reinterpret_cast<nlmsghdr*>(answer.data()); NLMSG_OK(h, length); h = NLMSG_NEXT(h, length)) {
      if (h->nlmsg_type != NLMSG_ERROR) continue;
      // an answer to an earlier prelude whose wait timed out matches no place still open
      for (const auto& [seq, at] : seqs) {
        if (h->nlmsg_seq != seq || done[at] != -1) continue;
        done[at] = h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)) ? EPROTO : -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(h))->error;
        left--;
      }
    }
  }
}

bool IsSocketOp(const Op& op) { return op.kind == Op::kIpv4 || op.kind == Op::kIpv6; }

std::vector<uint8_t> Bytes(Napi::Env env, const Napi::Object& o, const char* key, const std::string& where) {
  Napi::Value v = o.Get(key);
  if (!v.IsBuffer()) throw Napi::TypeError::New(env, where + ": " + key + " must be a Buffer");
  auto b = v.As<Napi::Buffer<uint8_t>>();
  return std::vector<uint8_t>(b.Data(), b.Data() + b.Length());
}

int Int(Napi::Env env, const Napi::Object& o, const char* key, const std::string& where) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throw Napi::TypeError::New(env, where + ": " + key + " must be a number");
  return v.As<Napi::Number>().Int32Value();
}

void Address(Napi::Env env, const Napi::Object& o, const char* key, const std::string& where, void* out, size_t size) {
  std::vector<uint8_t> b = Bytes(env, o, key, where);
  if (b.size() != size) throw Napi::TypeError::New(env, where + ": " + key + " must be " + std::to_string(size) + " bytes");
  std::memcpy(out, b.data(), size);
}

}  // namespace

Ops Parse(Napi::Env env, const Napi::Array& list) {
  Ops ops;
  for (uint32_t i = 0; i < list.Length(); i++) {
    const std::string where = "prelude op " + std::to_string(i);
    Napi::Value v = list.Get(i);
    if (!v.IsObject()) throw Napi::TypeError::New(env, where + " must be an object");
    Napi::Object o = v.As<Napi::Object>();
    std::string kind = o.Get("kind").IsString() ? o.Get("kind").As<Napi::String>().Utf8Value() : "";
    Op op{};
    op.data = Bytes(env, o, "data", where);
    if (kind == "ipv4") {
      op.kind = Op::kIpv4;
      op.fd = Int(env, o, "fd", where);
      Address(env, o, "dst", where, &op.dst, sizeof(in_addr));
    } else if (kind == "ipv6") {
      op.kind = Op::kIpv6;
      op.fd = Int(env, o, "fd", where);
      op.ifindex = Int(env, o, "ifindex", where);
      op.hop_limit = Int(env, o, "hopLimit", where);
      Address(env, o, "src", where, &op.src, sizeof op.src);
      Address(env, o, "dst", where, &op.dst, sizeof op.dst);
    } else if (kind == "frame") {
      op.kind = Op::kFrame;
      op.fd = Int(env, o, "fd", where);
      op.ifindex = Int(env, o, "ifindex", where);
    } else if (kind == "rtnl") {
      op.kind = Op::kRtnl;
      OpenRtnl(env);
    } else {
      throw Napi::TypeError::New(env, where + ": kind must be 'ipv4', 'ipv6', 'frame' or 'rtnl'");
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

Ops ParseOptional(Napi::Env env, const Napi::Value& ops) {
  if (ops.IsUndefined()) return Ops{};
  if (!ops.IsArray()) throw Napi::TypeError::New(env, "prelude ops must be an array");
  return Parse(env, ops.As<Napi::Array>());
}

Ops ParsedOps::Of(Napi::Env env, const Napi::Value& ops) {
  if (ops.IsUndefined()) return Ops{};
  if (from_.IsEmpty() || !ops.StrictEquals(from_.Value())) {
    ops_ = ParseOptional(env, ops);
    from_ = Napi::Persistent(ops.As<Napi::Object>());
  }
  return ops_;
}

std::vector<pollfd> SocketsOf(const Ops& ops) {
  std::vector<pollfd> fds;
  for (const Op& op : ops)
    if (IsSocketOp(op)) fds.push_back({op.fd, POLLIN, 0});
  return fds;
}

bool PacketWaiting(pollfd* sockets, size_t count) { return count > 0 && poll(sockets, count, 0) != 0; }

int Send(const Op& op) {
  switch (op.kind) {
    case Op::kIpv4: {
      in_addr dst;
      std::memcpy(&dst, &op.dst, sizeof dst);
      return wire::SendIpv4(op.fd, op.data.data(), op.data.size(), dst);
    }
    case Op::kIpv6:
      return wire::SendVrrp6(op.fd, op.ifindex, op.data.data(), op.data.size(), op.src, op.dst, op.hop_limit);
    case Op::kFrame:
      return wire::SendFrame(op.fd, op.data.data(), op.data.size(), op.ifindex);
    case Op::kRtnl:
      break;
  }
  return EINVAL;
}

bool FarewellGone() { return farewell_gone.load(); }

bool CloseForFarewell() { return !farewell_gone.exchange(true); }

void ReopenAfterFarewell() { farewell_gone.store(false); }

std::optional<std::vector<int>> RunOnce(Ops& pending) {
  const Ops ops = std::move(pending);
  pending.clear();
  if (FarewellGone()) return std::nullopt;
  std::vector<pollfd> sockets = SocketsOf(ops);
  if (ops.empty() || PacketWaiting(sockets.data(), sockets.size())) return std::nullopt;
  std::vector<int> done;
  done.reserve(ops.size());
  // the rtnetlink requests' answers are read once everything is sent: a GARP does not wait for them
  std::vector<std::pair<uint32_t, size_t>> asked;
  for (const Op& op : ops) {
    if (op.kind != Op::kRtnl) {
      done.push_back(Send(op));
      continue;
    }
    const uint32_t seq = ++rtnl_seq;
    int err = RtnlSend(op.data, seq);
    if (err == 0) asked.emplace_back(seq, done.size());
    // -1: waiting for the answer
    done.push_back(err == 0 ? -1 : err);
  }
  RtnlAnswers(asked, done);
  return done;
}

Napi::Value Outcome(Napi::Env env, const std::optional<std::vector<int>>& done) {
  if (!done) return env.Undefined();
  Napi::Array errnos = Napi::Array::New(env, done->size());
  for (uint32_t i = 0; i < done->size(); i++) errnos.Set(i, Napi::Number::New(env, (*done)[i]));
  return errnos;
}

}  // namespace prelude
