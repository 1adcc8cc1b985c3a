// The real transport against a raw loopback server (ephemeral port): a whole-request deadline,
// a cap on an answer's size, truncated answers, and HTTPS sent to an HTTP port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "http/poco_transport.h"

using namespace xs;

namespace {

// Serves each connection with `handler(fd)` on a thread of its own, one at a time.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<void(int)> handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listen_fd_, 8) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  std::string url(const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_);
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      read_request(fd);
      handler_(fd);
      ::close(fd);
    }
  }
 public:
  static void read_request(int fd) {  // up to the blank line, 1 s at most between reads
    std::string seen;
    while (seen.find("\r\n\r\n") == std::string::npos && seen.size() < 65536) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 1000) <= 0) return;
      char c[4096];
      const ssize_t n = ::recv(fd, c, sizeof c, 0);
      if (n <= 0) return;
      seen.append(c, static_cast<std::size_t>(n));
      if (seen[0] == '\x16') return;  // a TLS handshake: no blank line will come
    }
  }

 private:
  std::function<void(int)> handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

bool put(int fd, const std::string& text) {
  return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

std::shared_ptr<Transport> transport(const std::string& url, double timeout,
                                     std::uint64_t max_bytes = 256ull << 20) {
  TransportOptions o;
  o.base_url = url;
  o.timeout = timeout;
  o.max_response_bytes = max_bytes;
  auto t = make_http_transport(o);
  REQUIRE(t.ok());
  return t.value();
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("an answer dripped a byte at a time fails at the deadline of the whole request") {
  for (const bool in_headers : {false, true}) {
    LoopbackServer server([&](int fd) {
      const std::string answer =
          "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x');
      std::size_t sent = 0;
      if (!in_headers) sent = answer.find("\r\n\r\n") + 4, put(fd, answer.substr(0, sent));
      for (; sent < answer.size(); ++sent) {  // 1 byte every 50 ms: 5 s for the body
        if (!put(fd, answer.substr(sent, 1))) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    const auto start = std::chrono::steady_clock::now();
    auto r = transport(server.url(), 0.5)->send({"GET", "/drip", {}, ""});
    const double took = seconds_since(start);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Transient);
    CHECK(r.error().maybe_committed);
    CHECK(r.error().message ==
          "GET /drip: no answer within 0.5 s (--timeout bounds the whole request)");
    INFO("in headers: " << in_headers);
    CHECK(took < 1.5);  // 0.5 s and one last read, not a timeout per byte
  }
}

TEST_CASE("a Content-Length above the cap is refused before reading") {
  LoopbackServer server([](int fd) {
    put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 600000000\r\n\r\n" + std::string(1000, '['));
  });
  auto r = transport(server.url(), 5, 1 << 20)->send({"GET", "/big", {}, ""});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Invalid);
  CHECK(r.error().message ==
        "GET /big: the answer is 600000000 bytes (its Content-Length), above the limit of 1 MiB "
        "for one answer; not read");
}

TEST_CASE("an answer without Content-Length is cut at the cap") {
  LoopbackServer server([](int fd) {
    put(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    const std::string chunk(64 * 1024, 'x');
    for (int i = 0; i < 40 && put(fd, chunk); ++i) {
    }
  });
  auto r = transport(server.url(), 5, 1 << 20)->send({"GET", "/stream", {}, ""});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Invalid);
  CHECK(r.error().message ==
        "GET /stream: the answer is more than that, above the limit of 1 MiB for one answer; not "
        "read");
}

TEST_CASE("an answer shorter than its Content-Length is a transient failure, not a body") {
  LoopbackServer server(
      [](int fd) { put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[1,2"); });
  auto r = transport(server.url(), 5)->send({"GET", "/short", {}, ""});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Transient);
  CHECK(r.error().message.find("after 4 of 100 bytes") != std::string::npos);
}

TEST_CASE("a large Content-Length that the body does not reach takes no memory for it") {
  LoopbackServer server([](int fd) {
    put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 209715200\r\n\r\n[1,2");  // 200 MiB said
  });
  rusage before{}, after{};
  ::getrusage(RUSAGE_SELF, &before);
  auto r = transport(server.url(), 5)->send({"GET", "/short", {}, ""});
  ::getrusage(RUSAGE_SELF, &after);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("after 4 of 209715200 bytes") != std::string::npos);
  CHECK(after.ru_maxrss - before.ru_maxrss < 50 * 1024);  // KiB: not the 200 MiB it announced
}

TEST_CASE("a whole answer within the limits is read") {
  LoopbackServer server([](int fd) {
    put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\n[1,2,3]");
  });
  auto r = transport(server.url(), 5, 7)->send({"GET", "/ok", {}, ""});
  REQUIRE(r.ok());
  CHECK(r.value().body == "[1,2,3]");
}

TEST_CASE("HTTPS to an HTTP port says the scheme is likely wrong, not the certificate") {
  LoopbackServer server([](int fd) {
    put(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  });
  auto r = transport(server.url("https"), 5)->send({"GET", "/tls", {}, ""});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Config);
  CHECK(r.error().message == "GET /tls: the server at " + server.url("https") +
                                 " did not answer TLS; is the URL's scheme right (http:// or "
                                 "https://)?");
}

TEST_CASE("a large answer arriving in pieces is read whole, and its connection serves the next") {
  // 3 MB in three pieces, then a second request on the same connection (the body is read
  // straight from the session: nothing of it may be left for the next answer, nor taken from it).
  std::string big(3 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
  std::atomic<int> connections{0};
  LoopbackServer server([&](int fd) {
    ++connections;
    put(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n");
    const std::size_t third = big.size() / 3;
    for (std::size_t at = 0; at < big.size(); at += third) {
      put(fd, big.substr(at, third));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    LoopbackServer::read_request(fd);  // the second request
    put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
  });
  auto t = transport(server.url(), 10);
  HttpRequest list{"GET", "/big", {}, ""};
  list.expect_bytes = 4 << 20;
  auto first = t->send(list);
  REQUIRE(first.ok());
  CHECK(first.value().body.size() == big.size());
  CHECK(first.value().body == big);
  auto second = t->send({"GET", "/next", {}, ""});
  REQUIRE(second.ok());
  CHECK(second.value().body == "next");
  CHECK(connections == 1);
}
