#include "traffic/http_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>

#include "common/error.h"

namespace pare {

namespace {

using Clock = std::chrono::steady_clock;

int remaining(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms > 0 ? static_cast<int>(ms) : 0;
}

// Non-blocking connect bounded by the deadline; -1 with errno on failure.
int connect_to(const std::string& host, int port, Clock::time_point deadline) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res) {
    errno = EHOSTUNREACH;
    return -1;
  }
  int fd = -1;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof err;
      if (poll(&p, 1, remaining(deadline)) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
        break;
      errno = err ? err : ETIMEDOUT;
    }
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

}  // namespace

Url parse_http_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) throw Error(kExitUsage, "only http:// URLs are supported: " + url);
  std::string rest = url.substr(scheme.size());
  Url u;
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos) u.path = rest.substr(slash);
  if (!hostport.empty() && hostport[0] == '[') {  // [::1]:8080
    size_t close = hostport.find(']');
    if (close == std::string::npos) throw Error(kExitUsage, "bad URL " + url);
    u.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size() && hostport[close + 1] == ':') u.port = std::stoi(hostport.substr(close + 2));
  } else if (size_t colon = hostport.rfind(':'); colon != std::string::npos) {
    u.host = hostport.substr(0, colon);
    try {
      u.port = std::stoi(hostport.substr(colon + 1));
    } catch (...) {
      throw Error(kExitUsage, "bad port in URL " + url);
    }
  } else {
    u.host = hostport;
  }
  if (u.host.empty()) throw Error(kExitUsage, "no host in URL " + url);
  return u;
}

bool tcp_connects(const std::string& host, int port, int timeout_ms) {
  int fd = connect_to(host, port, Clock::now() + std::chrono::milliseconds(timeout_ms));
  if (fd < 0) return false;
  close(fd);
  return true;
}

HttpResult http_request(const std::string& method, const std::string& url, int timeout_ms) {
  Url u = parse_http_url(url);
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  HttpResult r;
  int fd = connect_to(u.host, u.port, deadline);
  if (fd < 0) {
    r.error = std::string("cannot connect: ") + strerror(errno);
    return r;
  }
  std::string req = method + " " + u.path + " HTTP/1.1\r\nHost: " + u.host + "\r\nUser-Agent: pare\r\nConnection: close\r\n\r\n";
  size_t sent = 0;
  while (sent < req.size()) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, remaining(deadline)) != 1) break;
    ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string resp;
  while (resp.size() < (64 << 10)) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, remaining(deadline)) != 1) break;
    char buf[8192];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    resp.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (resp.rfind("HTTP/1.", 0) != 0 || resp.size() < 12) {
    r.error = resp.empty() ? "no answer" : "not an HTTP answer";
    return r;
  }
  r.status = std::atoi(resp.c_str() + 9);
  size_t body = resp.find("\r\n\r\n");
  if (body != std::string::npos) r.body = resp.substr(body + 4);
  return r;
}

}  // namespace pare
