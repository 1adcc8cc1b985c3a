#pragma once
// Private to http/: the seam between the transport and Poco's NetSSL. NetSSL and what it loads
// (OpenSSL's libssl, PocoCrypto, PocoUtil with PocoXML and expat) cost ~5 ms before main at
// every start of every command on the bench's 2-core VM (issue 23), https:// or not. So the
// code that calls it (tls_impl.cpp) is a module, xuna-sync-tls.so, loaded when the first
// https:// transport is made: in apply and plan, on the thread that makes XUNA's client while
// the mapping is read. A program that links tls_impl.cpp (the transport's unit tests) calls it
// directly. Its types stay in there.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>

#include <memory>
#include <string>

#include "http/deadlined.h"

#define XS_TLS_MODULE_EXPORT __attribute__((visibility("default")))

namespace xs {

// The module's functions (the same compiler builds both sides, so C++ types cross).
struct TlsLib {
  // A client context: the server's certificate verified strictly (host name included) against
  // the system's CAs, or ca_file's alone; TLS 1.2 at least; a certificate that fails is
  // rejected, never asked about on the terminal (TOOLCHAIN.md traps 1 and 2). Empty, with
  // why, when it cannot be made.
  std::shared_ptr<void> (*client_context)(const std::string& ca_file, std::string& why);
  // A session to host:port speaking TLS with that context, its deadline in *bounded.
  std::unique_ptr<Poco::Net::HTTPClientSession> (*session)(const std::shared_ptr<void>& context,
                                                           const std::string& host,
                                                           unsigned short port, Bounded*& bounded);
  // True for Poco::Net::SSLException and what derives from it (a failed handshake or check).
  bool (*is_tls_failure)(const Poco::Exception& e);
};

// The functions, linked in or loaded from the module once (util/module.h); std::runtime_error
// saying why when the module cannot be loaded.
const TlsLib& tls_lib();

}  // namespace xs

// Defined by tls_impl.cpp.
extern "C" XS_TLS_MODULE_EXPORT const xs::TlsLib* xs_tls_lib();
