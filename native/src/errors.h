// A failed system call as a JS Error shaped like Node's own system errors:
// message "<call>: <strerror>", code "EXXX", negative errno, syscall.
#pragma once

#include <napi.h>
#include <uv.h>

#include <cstring>
#include <string>

inline Napi::Error ErrnoError(Napi::Env env, const std::string& call, int err) {
  Napi::Error e = Napi::Error::New(env, call + ": " + std::strerror(err));
  e.Set("code", Napi::String::New(env, uv_err_name(-err)));
  e.Set("errno", Napi::Number::New(env, -err));
  e.Set("syscall", Napi::String::New(env, call));
  return e;
}
