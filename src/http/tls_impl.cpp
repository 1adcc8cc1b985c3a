// The module xuna-sync-tls.so (http/tls_module.h): Poco's NetSSL behind TlsLib.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>

#include <mutex>

#include "http/tls_module.h"

namespace xs {
namespace {

using Poco::Net::Context;

std::shared_ptr<void> client_context(const std::string& ca_file, std::string& why) {
  static std::once_flag once;  // OpenSSL is initialised once, before the first context
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
  try {
    Context::Ptr context = new Context(Context::TLS_CLIENT_USE, ca_file, Context::VERIFY_STRICT,
                                       9, /*loadDefaultCAs=*/ca_file.empty());
    context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    context->setInvalidCertificateHandler(new Poco::Net::RejectCertificateHandler(false));
    return std::make_shared<Context::Ptr>(std::move(context));
  } catch (const Poco::Exception& e) {
    why = e.displayText();
    return nullptr;
  }
}

std::unique_ptr<Poco::Net::HTTPClientSession> session(const std::shared_ptr<void>& context,
                                                      const std::string& host, unsigned short port,
                                                      Bounded*& bounded) {
  auto https = std::make_unique<Deadlined<Poco::Net::HTTPSClientSession>>(
      host, port, *static_cast<const Context::Ptr*>(context.get()));
  bounded = https.get();
  return https;
}

bool is_tls_failure(const Poco::Exception& e) {
  return dynamic_cast<const Poco::Net::SSLException*>(&e) != nullptr;
}

const TlsLib kTlsLib{client_context, session, is_tls_failure};

}  // namespace
}  // namespace xs

extern "C" const xs::TlsLib* xs_tls_lib() { return &xs::kTlsLib; }
