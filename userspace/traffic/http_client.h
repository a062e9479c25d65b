// A minimal HTTP/1.1 client for test traffic and readiness checks: GET or HEAD
// of an http:// URL, status code back. Plain TCP only (the app is reached on
// loopback or the host network), bounded by a timeout.
#pragma once

#include <string>

namespace pare {

struct Url {
  std::string host;
  int port = 80;
  std::string path = "/";
};

// Throws Error(kExitUsage) for anything but http://HOST[:PORT][/PATH].
Url parse_http_url(const std::string& url);

struct HttpResult {
  int status = 0;      // 0: no HTTP answer (connection refused, timeout)
  std::string error;   // why there was no answer
  std::string body;    // first 64 KiB
};

HttpResult http_request(const std::string& method, const std::string& url, int timeout_ms);

// "HOST:PORT" -> connected within timeout_ms?
bool tcp_connects(const std::string& host, int port, int timeout_ms);

}  // namespace pare
