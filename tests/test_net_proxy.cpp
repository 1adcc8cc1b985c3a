// Proxies as curl reads them (http/proxy.h): which variable applies to which URL, NO_PROXY's
// hosts, domains, addresses, blocks and ports, and proxy URLs with credentials that never
// show their password.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "http/proxy.h"

using namespace xs;

namespace {

ProxyEnv env_of(const std::map<std::string, std::string>& vars) {
  return read_proxy_env([&](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

std::string proxy_host(const ProxyEnv& e, const std::string& url) {
  auto p = proxy_for(e, url);
  REQUIRE(p.ok());
  return p.value() ? p.value()->host + ":" + std::to_string(p.value()->port) : "direct";
}

}  // namespace

TEST_CASE("proxy: lower case first, each scheme its own variable, all_proxy for either") {
  ProxyEnv e = env_of({{"https_proxy", "http://lower:3128"}, {"HTTPS_PROXY", "http://upper:3128"},
                       {"HTTP_PROXY", "http://plain:8080"}});
  CHECK(proxy_host(e, "https://api.xuna.ai") == "lower:3128");
  CHECK(proxy_host(e, "http://emulator.local:9000") == "plain:8080");
  e = env_of({{"HTTPS_PROXY", "http://upper:3128"}, {"ALL_PROXY", "http://all:1111"}});
  CHECK(proxy_host(e, "https://api.twilio.com") == "upper:3128");
  CHECK(proxy_host(e, "http://api.twilio.com") == "all:1111");
  e = env_of({{"all_proxy", "http://a:1"}, {"ALL_PROXY", "http://b:2"}});
  CHECK(proxy_host(e, "https://x.example") == "a:1");
  CHECK(proxy_host(env_of({}), "https://api.xuna.ai") == "direct");
  CHECK(env_of({}).empty());
}

TEST_CASE("proxy: a URL without a scheme or a port is read as curl reads it") {
  CHECK(proxy_host(env_of({{"https_proxy", "proxy.corp:3128"}}), "https://a.example") ==
        "proxy.corp:3128");
  CHECK(proxy_host(env_of({{"https_proxy", "http://proxy.corp"}}), "https://a.example") ==
        "proxy.corp:1080");
  CHECK(proxy_host(env_of({{"https_proxy", "http://proxy.corp:3128/"}}), "https://a.example") ==
        "proxy.corp:3128");
  CHECK(proxy_host(env_of({{"https_proxy", "http://[::1]:3128"}}), "https://a.example") ==
        "::1:3128");
}

TEST_CASE("proxy: credentials are decoded, and shown with the password masked") {
  auto p = proxy_for(env_of({{"https_proxy", "http://ops%40corp:s3cr%3Ait@proxy:3128"}}),
                     "https://api.xuna.ai");
  REQUIRE(p.ok());
  REQUIRE(p.value());
  CHECK(p.value()->username == "ops@corp");
  CHECK(p.value()->password.reveal() == "s3cr:it");
  CHECK(p.value()->display() == "http://ops@corp:***@proxy:3128");
  CHECK(p.value()->display().find("s3cr") == std::string::npos);
}

TEST_CASE("proxy: a proxy URL xuna-sync cannot use is a config error that hides its value") {
  for (const std::string bad : {"https://user:hunter22@proxy:443", "socks5://user:hunter22@p:1080",
                                "http://user:hunter22@:3128", "http://user:hunter22@p:3128/x?y"}) {
    auto p = proxy_for(env_of({{"HTTPS_PROXY", bad}}), "https://api.xuna.ai");
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().kind == ErrorKind::Config);
    CHECK_THAT(p.error().message, Catch::Contains("https_proxy/HTTPS_PROXY"));
    CHECK(p.error().message.find("hunter22") == std::string::npos);
  }
  // an unused variable is not looked at, as with curl
  CHECK(proxy_for(env_of({{"http_proxy", "socks5://p:1"}}), "https://a.example").ok());
}

TEST_CASE("no_proxy: host names match themselves and their subdomains, a leading dot optional") {
  CHECK(no_proxy_matches("example.com", "example.com", 443));
  CHECK(no_proxy_matches("example.com", "api.example.com", 443));
  CHECK(no_proxy_matches(".example.com", "api.example.com", 443));
  CHECK(no_proxy_matches(".example.com", "example.com", 443));
  CHECK(no_proxy_matches("EXAMPLE.com", "Api.Example.COM", 443));
  CHECK_FALSE(no_proxy_matches("example.com", "badexample.com", 443));
  CHECK_FALSE(no_proxy_matches("api.example.com", "example.com", 443));
  CHECK_FALSE(no_proxy_matches("", "example.com", 443));
}

TEST_CASE("no_proxy: lists, addresses, CIDR blocks, ports and *") {
  const std::string list = "localhost, .internal 10.0.0.0/8,192.168.1.7,[::1],emu.test:8443";
  CHECK(no_proxy_matches(list, "localhost", 80));
  CHECK(no_proxy_matches(list, "db.internal", 80));
  CHECK(no_proxy_matches(list, "10.20.30.40", 443));
  CHECK_FALSE(no_proxy_matches(list, "11.0.0.1", 443));
  CHECK(no_proxy_matches(list, "192.168.1.7", 443));
  CHECK_FALSE(no_proxy_matches(list, "192.168.1.8", 443));
  CHECK(no_proxy_matches(list, "::1", 443));
  CHECK(no_proxy_matches(list, "[::1]", 443));
  CHECK(no_proxy_matches(list, "emu.test", 8443));
  CHECK_FALSE(no_proxy_matches(list, "emu.test", 443));
  CHECK(no_proxy_matches("127.0.0.1:9000", "127.0.0.1", 9000));
  CHECK_FALSE(no_proxy_matches("127.0.0.1:9000", "127.0.0.1", 9001));
  CHECK(no_proxy_matches("[::1]:8080", "::1", 8080));
  CHECK_FALSE(no_proxy_matches("[::1]:8080", "::1", 8081));
  CHECK(no_proxy_matches("*", "anything.example", 1));
  CHECK_FALSE(no_proxy_matches("*.example.com", "a.example.com", 1));  // curl: no wildcards
  CHECK_FALSE(no_proxy_matches("127.0.0.1", "localhost", 80));  // names are not resolved
}

TEST_CASE("no_proxy decides per URL, with the URL's port (default ones included)") {
  ProxyEnv e = env_of({{"https_proxy", "http://proxy:3128"}, {"http_proxy", "http://proxy:3128"},
                       {"NO_PROXY", "api.twilio.com,127.0.0.1:8443,intranet:443"}});
  CHECK(proxy_host(e, "https://api.twilio.com") == "direct");
  CHECK(proxy_host(e, "https://api.xuna.ai") == "proxy:3128");
  CHECK(proxy_host(e, "https://127.0.0.1:8443") == "direct");
  CHECK(proxy_host(e, "http://127.0.0.1:8080") == "proxy:3128");
  CHECK(proxy_host(e, "https://intranet") == "direct");
  CHECK(proxy_host(e, "http://intranet") == "proxy:3128");
  e.no_proxy = "*";
  CHECK(proxy_host(e, "https://api.xuna.ai") == "direct");
}
