#pragma once
// Private to http/: a Poco client session bounded by one deadline per request, shared by the
// transport (plain HTTP) and the TLS module (tls_impl.cpp, HTTPS). Nothing in here calls into
// xuna-sync's own code by name: the module is loaded by programs that do not export it.
#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <chrono>

namespace xs {

using Deadline = std::chrono::steady_clock::time_point;

// The deadline of the request a session is serving, and how its socket is watched for it.
struct Bounded {
  Deadline deadline = Deadline::max();
  // Called with each new connection's socket (the transport hands it to its watchdog).
  void (*watch)(Bounded& self, int fd) = nullptr;
  void* watchdog = nullptr;  // the transport's, for watch
  int ticket = 0;
  bool expired() const { return std::chrono::steady_clock::now() >= deadline; }
  // Up to length bytes of the answer's body, the session's buffered ones first, then straight
  // from the socket (bounded by the deadline); 0 at the end of the connection.
  virtual int read_body(char* buffer, std::streamsize length) = 0;

 protected:
  ~Bounded() = default;  // deleted as the session it is part of
};

// A session whose every connect, read and write is bounded by one deadline for the whole
// request: a server dripping its answer fails at the deadline, not one timeout per read.
template <class Base>
class Deadlined final : public Base, public Bounded {
 public:
  using Base::Base;

  int read_body(char* buffer, std::streamsize length) override { return read(buffer, length); }

 protected:
  void connect(const Poco::Net::SocketAddress& address) override {
    const Poco::Timespan left = remaining();
    this->setTimeout(left, left, left);
    Base::connect(address);
    if (watch) watch(*this, this->socket().impl()->sockfd());  // the new socket
  }
  int read(char* buffer, std::streamsize length) override {
    bound();
    return Base::read(buffer, length);
  }
  int write(const char* buffer, std::streamsize length) override {
    bound();
    return Base::write(buffer, length);
  }

 private:
  // Time left before the deadline (at least 1 ms: a zero socket timeout means none).
  Poco::Timespan remaining() const {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw Poco::TimeoutException("request deadline passed");
    return Poco::Timespan(std::max<Poco::Timespan::TimeDiff>(left.count(), 1000));
  }
  void bound() {
    const Poco::Timespan left = remaining();
    if (this->connected()) {
      this->socket().setReceiveTimeout(left);
      this->socket().setSendTimeout(left);
    }
  }
};

}  // namespace xs
