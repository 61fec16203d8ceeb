# tskad's native addon, built by node-gyp when the package is installed
# (package.json "install"). It holds only what no npm package does: AF_PACKET
# frame sends, the IPv6 VRRP socket (recvmsg ancillary data) and handlers for
# the real-time signals Node cannot watch, a timer finer than setTimeout's
# milliseconds (which can carry a takeover's first sends, done before any
# JavaScript runs, and tells how late it fired and why), realtime scheduling
# and CPU affinity, and packets' kernel receive stamps.
{
  "targets": [
    {
      "target_name": "tskad_native",
      "sources": ["src/addon.cc", "src/packet_socket.cc", "src/vrrp6_socket.cc", "src/signal_watcher.cc", "src/precise_timer.cc", "src/expiry_lateness.cc", "src/process_tuning.cc", "src/receive_stamp.cc", "src/timer_prelude.cc", "src/wire_send.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-Wall", "-Wextra", "-Werror"]
    }
  ]
}
