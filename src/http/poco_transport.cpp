#include "http/poco_transport.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <vector>

#include "http/deadlined.h"
#include "http/proxy.h"
#include "http/redact.h"
#include "http/tls_module.h"
#include "http/watchdog.h"
#include "util/memory.h"
#include "util/module.h"

// Defined when tls_impl.cpp is linked in (the unit tests); else the module has it.
extern "C" const xs::TlsLib* xs_tls_lib() __attribute__((weak));

namespace xs {
namespace {

using Poco::Net::HTTPClientSession;

ApiError config_error(std::string message) {
  ApiError e;
  e.kind = ErrorKind::Config;
  e.message = std::move(message);
  return e;
}

// Hands a session's new socket to the transport's watchdog, under the session's ticket.
void watch_socket(Bounded& b, int fd) {
  static_cast<Watchdog*>(b.watchdog)->watch(b.ticket, fd, b.deadline);
}

struct Session {
  std::unique_ptr<HTTPClientSession> http;
  Bounded* bounded = nullptr;
};

class PocoTransport final : public Transport {
 public:
  PocoTransport(const TransportOptions& options, Poco::URI uri, std::shared_ptr<void> tls_context)
      : options_(options), uri_(std::move(uri)), tls_context_(std::move(tls_context)) {
    prefix_ = uri_.getPath();
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  }

  std::string base_url() const override { return options_.base_url; }

  Result<HttpResponse> send(const HttpRequest& request) override {
    Session session = acquire();
    Bounded& bounded = *session.bounded;
    bounded.deadline = std::chrono::steady_clock::now() +
                       std::chrono::microseconds(static_cast<long long>(options_.timeout * 1e6));
    if (session.http->connected())
      watchdog_.watch(bounded.ticket, session.http->socket().impl()->sockfd(), bounded.deadline);
    struct Unwatch {  // before the session goes back to the pool, where another may take it
      Watchdog& dog;
      int ticket;
      bool done = false;
      void now() {
        if (!done) dog.release(ticket);
        done = true;
      }
      ~Unwatch() { now(); }
    } unwatch{watchdog_, bounded.ticket};
    const std::string what = request.method + " " + request.target;
    bool sent = false;
    try {
      HTTPClientSession& http = *session.http;
      Poco::Net::HTTPRequest req(request.method, prefix_ + request.target,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
      req.setKeepAlive(true);
      req.set("User-Agent", std::string("xuna-sync/") + XS_VERSION);
      req.set("Accept", "application/json");
      for (const auto& [name, value] : request.headers) req.set(name, value);
      if (!request.body.empty() || request.method == "POST" || request.method == "PATCH") {
        // a Content-Type of the caller's own (Twilio's update is a form) is kept
        if (!req.has("Content-Type")) req.setContentType("application/json");
        req.setContentLength(static_cast<std::streamsize>(request.body.size()));
      }
      std::ostream& out = http.sendRequest(req);
      out << request.body;
      out.flush();
      sent = true;
      if (!out) rethrow(http);
      warm_heap(request.expect_bytes);  // while the server works on it
      Poco::Net::HTTPResponse res;
      std::istream& in = http.receiveResponse(res);
      HttpResponse response;
      response.status = static_cast<int>(res.getStatus());
      response.reason = res.getReason();
      for (const auto& [name, value] : res) response.headers[lower(name)] = value;
      const std::uint64_t max = options_.max_response_bytes;
      const bool declared = res.hasContentLength();
      const auto length = declared ? static_cast<std::uint64_t>(res.getContentLength64()) : 0;
      if (declared && length > max)
        return too_large(what, std::to_string(length) + " bytes (its Content-Length)");
      const int status = response.status;
      if (declared && !res.getChunkedTransferEncoding() && request.method != "HEAD" &&
          status >= 200 && status != 204 && status != 304) {
        // Straight from the session, in large reads: through the stream, a body came 4 KB a
        // read (Poco's buffer), each bounding the socket anew (two more system calls); Twilio's
        // page of 1,000 numbers (1.27 MB) took ~8 ms to read (issue 23).
        // Reserved whole, but filled a read at a time: a Content-Length that the body does not
        // reach costs no memory it does not bring.
        response.body.reserve(static_cast<std::size_t>(length));
        std::size_t got = 0;
        while (got < length) {
          const auto want = std::min<std::uint64_t>(length - got, std::uint64_t{256} << 10);
          response.body.resize(got + static_cast<std::size_t>(want));
          const int n = session.bounded->read_body(&response.body[got],
                                                   static_cast<std::streamsize>(want));
          response.body.resize(got + static_cast<std::size_t>(std::max(n, 0)));
          if (n <= 0) break;
          got += static_cast<std::size_t>(n);
        }
      } else {
        char buffer[64 * 1024];
        while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
          response.body.append(buffer, static_cast<std::size_t>(in.gcount()));
          if (response.body.size() > max) return too_large(what, "more than that");
        }
        if (in.bad()) rethrow(http);
      }
      if (declared && response.body.size() < length) {
        if (session.bounded->expired()) return timed_out(what, true);
        return transient(what + ": connection closed by " + endpoint() + " after " +
                             std::to_string(response.body.size()) + " of " +
                             std::to_string(length) + " bytes of the answer",
                         true);
      }
      unwatch.now();
      if (res.getKeepAlive()) release(std::move(session));
      return response;
    } catch (const Poco::Net::HTTPException& e) {
      if (options_.proxy && e.displayText().find("proxy connection") != std::string::npos)
        return proxy_refused(what, e.message());
      if (session.bounded->expired()) return timed_out(what, sent);
      return transient(what + ": " + e.displayText(), sent);
    } catch (const Poco::Net::ConnectionRefusedException&) {
      return transient(what + ": connection refused by " + endpoint(), false);
    } catch (const Poco::Net::HostNotFoundException& e) {
      return transient(what + ": host not found: " +
                           (options_.proxy ? "the proxy's host " + options_.proxy->host
                                           : uri_.getHost()),
                       false);
    } catch (const Poco::Exception& e) {
      if (tls_context_ && tls_lib().is_tls_failure(e)) {
        if (session.bounded->expired()) return timed_out(what, sent);
        if (not_tls(e.displayText()))
          return config_error(what + ": the server at " + uri_.getScheme() + "://" + endpoint() +
                              " did not answer TLS; is the URL's scheme right (http:// or " +
                              "https://)?");
        return config_error(what + ": TLS failure: " + e.displayText() + " (the certificate of " +
                            uri_.getHost() + " must name it and be signed by a trusted CA; " +
                            "--ca-file adds a private CA)");
      }
      if (session.bounded->expired() || dynamic_cast<const Poco::TimeoutException*>(&e))
        return timed_out(what, sent);
      if (dynamic_cast<const Poco::Net::NoMessageException*>(&e))
        return transient(what + ": connection closed by " + endpoint() + " without an answer",
                         sent);
      return transient(what + ": " + e.displayText(), sent);
    } catch (const std::exception& e) {
      if (session.bounded->expired()) return timed_out(what, sent);
      return transient(what + ": " + e.what(), sent);
    }
  }

 private:
  static std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  static std::string seconds(double s) {
    std::string text = std::to_string(s);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
    return text + " s";
  }
  static std::string mebibytes(std::uint64_t bytes) {
    if (bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MiB";
    return std::to_string(bytes) + " bytes";
  }
  // Where the connection goes: the server, or the proxy in front of it.
  std::string endpoint() const {
    if (options_.proxy) return "the proxy " + options_.proxy->display();
    return uri_.getHost() + ":" + std::to_string(uri_.getPort());
  }

  // OpenSSL's words for a peer that answered the handshake with something else (plain HTTP).
  static bool not_tls(const std::string& text) {
    const std::string t = lower(text);
    for (const char* sign : {"wrong version number", "packet length too long", "unknown protocol",
                             "http request", "record layer failure", "record_layer_failure"})
      if (t.find(sign) != std::string::npos) return true;
    return false;
  }

  // The exception a stream swallowed (Poco streams turn it into badbit), or a generic one.
  [[noreturn]] static void rethrow(const HTTPClientSession& http) {
    if (const Poco::Exception* e = http.networkException()) e->rethrow();
    throw Poco::IOException("the connection failed");
  }

  static ApiError transient(std::string message, bool maybe_committed) {
    ApiError e;
    e.kind = ErrorKind::Transient;
    e.message = std::move(message);
    e.maybe_committed = maybe_committed;
    return e;
  }

  ApiError timed_out(const std::string& what, bool sent) const {
    return transient(what + ": no answer within " + seconds(options_.timeout) +
                         " (--timeout bounds the whole request)",
                     sent);
  }

  // The proxy answered CONNECT with something else than 200 (its reason phrase): worth a
  // retry when it could not reach the server (502, 503, 504), a configuration error otherwise
  // (407: wrong or missing credentials; 403: the proxy does not allow this host or port).
  ApiError proxy_refused(const std::string& what, const std::string& reason) const {
    const std::string message = what + ": " + endpoint() + " refused to open a tunnel to " +
                                uri_.getHost() + ":" + std::to_string(uri_.getPort()) + ": " +
                                (reason.empty() ? "no reason given" : reason);
    const std::string r = lower(reason);
    for (const char* gateway : {"bad gateway", "service unavailable", "gateway timeout"})
      if (r.find(gateway) != std::string::npos) return transient(message, false);
    return config_error(message);
  }

  // The answer is not read (its connection is dropped): the request did reach the server.
  ApiError too_large(const std::string& what, const std::string& size) const {
    ApiError e;
    e.kind = ErrorKind::Invalid;
    e.message = what + ": the answer is " + size + ", above the limit of " +
                mebibytes(options_.max_response_bytes) + " for one answer; not read";
    e.maybe_committed = true;
    return e;
  }

  Session acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        Session s = std::move(idle_.back());
        idle_.pop_back();
        return s;
      }
    }
    Session s;
    if (tls_context_) {
      s.http = tls_lib().session(tls_context_, uri_.getHost(), uri_.getPort(), s.bounded);
    } else {
      auto http = std::make_unique<Deadlined<HTTPClientSession>>(uri_.getHost(), uri_.getPort());
      s.bounded = http.get();
      s.http = std::move(http);
    }
    if (options_.proxy) {
      // http://: absolute targets to the proxy; https://: a CONNECT tunnel, then TLS with the
      // server itself (its certificate checked as without a proxy).
      const ProxyServer& p = *options_.proxy;
      HTTPClientSession::ProxyConfig proxy;
      proxy.host = p.host;
      proxy.port = p.port;
      proxy.username = p.username;
      proxy.password = p.password.reveal();
      proxy.authMethod = p.username.empty() && p.password.empty()
                             ? HTTPClientSession::PROXY_AUTH_NONE
                             : HTTPClientSession::PROXY_AUTH_HTTP_BASIC;
      s.http->setProxyConfig(proxy);
    }
    s.bounded->watch = watch_socket;
    s.bounded->watchdog = &watchdog_;
    s.bounded->ticket = watchdog_.ticket();
    s.http->setKeepAlive(true);
    s.http->setKeepAliveTimeout(Poco::Timespan(5, 0));  // below typical server idle timeouts
    return s;
  }

  void release(Session session) {
    session.bounded->deadline = Deadline::max();
    std::lock_guard<std::mutex> lock(mutex_);
    if (static_cast<int>(idle_.size()) < options_.max_idle) idle_.push_back(std::move(session));
  }

  TransportOptions options_;
  Poco::URI uri_;
  std::shared_ptr<void> tls_context_;  // https://: the module's client context
  std::string prefix_;
  std::mutex mutex_;
  std::vector<Session> idle_;
  Watchdog watchdog_;  // last: destroyed first, before the sessions it may watch
};

}  // namespace

const TlsLib& tls_lib() {
  return module_table<TlsLib>(&xs_tls_lib, "xuna-sync-tls.so", "xs_tls_lib",
                              "https:// is not available in this installation (no TLS): ");
}

Result<std::shared_ptr<Transport>> make_http_transport(const TransportOptions& options) {
  Poco::URI uri;
  try {
    uri = Poco::URI(options.base_url);
  } catch (const Poco::Exception& e) {
    return config_error("invalid URL '" + options.base_url + "': " + e.displayText());
  }
  const std::string scheme = uri.getScheme();
  if ((scheme != "http" && scheme != "https") || uri.getHost().empty()) {
    return config_error("invalid URL '" + options.base_url + "': expected http(s)://host[:port]");
  }
  if (!uri.getUserInfo().empty()) {
    return config_error("invalid URL: credentials in URLs are not accepted, use the environment");
  }
  std::shared_ptr<void> context;
  if (scheme == "https") {
    if (!options.ca_file.empty() && !std::ifstream(options.ca_file)) {
      return config_error("cannot read CA file '" + options.ca_file + "'");
    }
    try {
      std::string why;
      context = tls_lib().client_context(options.ca_file, why);
      if (!context) return config_error("TLS setup failed: " + why);
    } catch (const std::runtime_error& e) {
      return config_error(e.what());
    }
  }
  // Every answer passes the redaction first: no client sees a secret it sent quoted back.
  return std::shared_ptr<Transport>(
      std::make_shared<RedactingTransport>(std::make_shared<PocoTransport>(options, uri, context)));
}

}  // namespace xs
