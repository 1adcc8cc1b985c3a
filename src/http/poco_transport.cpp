#include "http/poco_transport.h"

#include <Poco/Exception.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cctype>
#include <fstream>
#include <mutex>
#include <vector>

#include "http/redact.h"

namespace xs {
namespace {

using Poco::Net::Context;
using Poco::Net::HTTPClientSession;

// OpenSSL is initialised once per process, before the first context is made.
void ensure_ssl_initialized() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

ApiError config_error(std::string message) {
  ApiError e;
  e.kind = ErrorKind::Config;
  e.message = std::move(message);
  return e;
}

class PocoTransport final : public Transport {
 public:
  PocoTransport(const TransportOptions& options, Poco::URI uri, Context::Ptr context)
      : options_(options), uri_(std::move(uri)), context_(std::move(context)) {
    prefix_ = uri_.getPath();
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  }

  std::string base_url() const override { return options_.base_url; }

  Result<HttpResponse> send(const HttpRequest& request) override {
    std::unique_ptr<HTTPClientSession> session = acquire();
    const std::string what = request.method + " " + request.target;
    bool sent = false;
    try {
      Poco::Net::HTTPRequest req(request.method, prefix_ + request.target,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
      req.setKeepAlive(true);
      req.set("User-Agent", std::string("xuna-sync/") + XS_VERSION);
      req.set("Accept", "application/json");
      for (const auto& [name, value] : request.headers) req.set(name, value);
      if (!request.body.empty() || request.method == "POST" || request.method == "PATCH") {
        req.setContentType("application/json");
        req.setContentLength(static_cast<std::streamsize>(request.body.size()));
      }
      std::ostream& out = session->sendRequest(req);
      out << request.body;
      out.flush();
      sent = true;
      Poco::Net::HTTPResponse res;
      std::istream& in = session->receiveResponse(res);
      HttpResponse response;
      response.status = static_cast<int>(res.getStatus());
      response.reason = res.getReason();
      for (const auto& [name, value] : res) response.headers[lower(name)] = value;
      Poco::StreamCopier::copyToString(in, response.body);
      if (res.getKeepAlive()) release(std::move(session));
      return response;
    } catch (const Poco::Net::SSLException& e) {
      return config_error(what + ": TLS failure: " + e.displayText() + " (the certificate of " +
                          uri_.getHost() + " must name it and be signed by a trusted CA; " +
                          "--ca-file adds a private CA)");
    } catch (const Poco::Net::ConnectionRefusedException&) {
      return transient(what + ": connection refused by " + endpoint(), false);
    } catch (const Poco::TimeoutException&) {
      return transient(what + ": no answer within " + seconds(options_.timeout), sent);
    } catch (const Poco::Net::HostNotFoundException& e) {
      return transient(what + ": host not found: " + uri_.getHost(), false);
    } catch (const Poco::Net::NoMessageException&) {
      return transient(what + ": connection closed by " + endpoint() + " without an answer", sent);
    } catch (const Poco::Exception& e) {
      return transient(what + ": " + e.displayText(), sent);
    } catch (const std::exception& e) {
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
  std::string endpoint() const { return uri_.getHost() + ":" + std::to_string(uri_.getPort()); }

  static ApiError transient(std::string message, bool maybe_committed) {
    ApiError e;
    e.kind = ErrorKind::Transient;
    e.message = std::move(message);
    e.maybe_committed = maybe_committed;
    return e;
  }

  std::unique_ptr<HTTPClientSession> acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        auto s = std::move(idle_.back());
        idle_.pop_back();
        return s;
      }
    }
    std::unique_ptr<HTTPClientSession> s;
    if (context_) {
      s = std::make_unique<Poco::Net::HTTPSClientSession>(uri_.getHost(), uri_.getPort(), context_);
    } else {
      s = std::make_unique<HTTPClientSession>(uri_.getHost(), uri_.getPort());
    }
    const auto t = Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(options_.timeout * 1e6));
    s->setTimeout(t, t, t);
    s->setKeepAlive(true);
    s->setKeepAliveTimeout(Poco::Timespan(5, 0));  // below typical server idle timeouts
    return s;
  }

  void release(std::unique_ptr<HTTPClientSession> session) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (static_cast<int>(idle_.size()) < options_.max_idle) idle_.push_back(std::move(session));
  }

  TransportOptions options_;
  Poco::URI uri_;
  Context::Ptr context_;
  std::string prefix_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<HTTPClientSession>> idle_;
};

}  // namespace

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
  Context::Ptr context;
  if (scheme == "https") {
    if (!options.ca_file.empty() && !std::ifstream(options.ca_file)) {
      return config_error("cannot read CA file '" + options.ca_file + "'");
    }
    ensure_ssl_initialized();
    try {
      // TOOLCHAIN.md traps 1 and 2: strict verification (host name included), our own
      // context, and a handler that rejects instead of asking on stdin.
      context = new Context(Context::TLS_CLIENT_USE, options.ca_file, Context::VERIFY_STRICT, 9,
                            /*loadDefaultCAs=*/options.ca_file.empty());
      context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
      context->setInvalidCertificateHandler(new Poco::Net::RejectCertificateHandler(false));
    } catch (const Poco::Exception& e) {
      return config_error("TLS setup failed: " + e.displayText());
    }
  }
  // Every answer passes the redaction first: no client sees a secret it sent quoted back.
  return std::shared_ptr<Transport>(
      std::make_shared<RedactingTransport>(std::make_shared<PocoTransport>(options, uri, context)));
}

}  // namespace xs
