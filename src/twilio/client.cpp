#include "twilio/client.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "twilio/auth.h"
#include "twilio/page_reader.h"
#include "twilio/routing_form.h"

namespace xs {
namespace {

constexpr int kPageSize = 1000;  // Twilio's maximum
constexpr std::size_t kBytesPerNumber = 2560;  // of a page's JSON, and the number read from it

std::string who(const TwilioAuth& auth) {
  return "Twilio account '" + auth.account + "' (" + auth.account_sid + ")";
}

// text with every form of a secret the request carried masked: the auth token, the Basic
// header's value (a server may quote the header), and the given extras (webhook passwords).
std::string scrub(const TwilioAuth& auth, const std::vector<std::string>& extras,
                  std::string text) {
  text = hide_auth(auth, std::move(text));
  for (const std::string& extra : extras) text = Secret(extra).hide_in(std::move(text));
  return text;
}

template <class T>
Result<T> scrubbed(const TwilioAuth& auth, const std::vector<std::string>& extras, Result<T> r) {
  if (r.ok()) return r;
  ApiError e = r.error();
  e.message = scrub(auth, extras, std::move(e.message));
  return e;
}

ApiError invalid(const TwilioAuth& auth, const std::string& what) {
  ApiError e;
  e.kind = ErrorKind::Invalid;
  e.message = who(auth) + ": " + what;
  return e;
}

ApiError invalid_answer(const TwilioAuth& auth, const std::string& method,
                        const std::string& target, const std::string& why) {
  return invalid(auth, method + " " + target + ": unexpected answer from Twilio: " + why);
}

// A list stopped by one of its limits (what: which, and how).
ApiError list_limit(const TwilioAuth& auth, const std::string& what, int pages,
                    std::size_t numbers) {
  return invalid(auth, "the IncomingPhoneNumbers list " + what + "; stopped after " +
                           std::to_string(pages) + " pages and " + std::to_string(numbers) +
                           " numbers");
}

std::string encoded(const std::string& segment) {
  std::string out;
  Poco::URI::encode(segment, "/?#&=+%", out);
  return out;
}

std::string account_path(const TwilioAuth& auth) {
  return "/2010-04-01/Accounts/" + encoded(auth.account_sid);
}

std::string seconds_text(double seconds) {
  std::ostringstream out;
  out << seconds;
  return out.str();
}

// The path and query of a next_page_uri: Twilio sends it relative ("/2010-04-01/..."); an
// absolute URL is cut to its path so the credentials never go to another host. "" if neither.
std::string next_target(const std::string& uri) {
  if (!uri.empty() && uri[0] == '/') return uri;
  try {
    Poco::URI parsed(uri);
    if (parsed.getScheme() != "http" && parsed.getScheme() != "https") return {};
    return parsed.getPathAndQuery();
  } catch (const Poco::Exception&) {
    return {};
  }
}

}  // namespace

ApiError abandoned_list(const TwilioAuth& auth) {
  ApiError e;
  e.kind = ErrorKind::Transient;
  e.message = "Twilio account '" + auth.account + "': list given up, not needed";
  return e;
}

namespace {

class HttpTwilioClient final : public TwilioApi {
 public:
  HttpTwilioClient(std::shared_ptr<Transport> transport, TwilioListLimits limits)
      : transport_(std::move(transport)), limits_(limits) {}

  Result<std::vector<OwnedNumber>> list_owned(const TwilioAuth& auth) override {
    return scrubbed(auth, {}, list_pages(auth, nullptr));
  }
  Result<std::vector<OwnedNumber>> list_owned(const TwilioAuth& auth,
                                              const std::atomic<bool>& abandon) override {
    return scrubbed(auth, {}, list_pages(auth, &abandon));
  }

  Result<OwnedNumber> get_number(const TwilioAuth& auth, const std::string& sid) override {
    return scrubbed(auth, {}, number_call(auth, "GET", sid, {}));
  }

  Result<OwnedNumber> update_routing(const TwilioAuth& auth, const std::string& sid,
                                     const TwilioRouting& routing) override {
    return scrubbed(auth, url_passwords(routing),
                    number_call(auth, "POST", sid, routing_form(routing)));
  }

 private:
  Result<HttpResponse> send(const TwilioAuth& auth, HttpRequest req) {
    req.headers.emplace_back("Authorization", "Basic " + basic_credentials(auth));
    Result<HttpResponse> r = transport_->send(req);
    if (r.ok()) return r;
    ApiError e = r.error();
    e.message = who(auth) + ": " + e.message;
    return e;
  }

  Result<std::vector<OwnedNumber>> list_pages(const TwilioAuth& auth,
                                              const std::atomic<bool>* abandon) {
    Clock& clock = limits_.clock ? *limits_.clock : system_clock();
    const double started = clock.monotonic();
    const std::string list_path = account_path(auth) + "/IncomingPhoneNumbers.json";
    std::string target = list_path + "?PageSize=" + std::to_string(kPageSize);
    std::vector<OwnedNumber> owned;
    std::set<std::string> seen;
    for (int page = 0;; ++page) {
      if (abandon && abandon->load()) return abandoned_list(auth);
      if (!seen.insert(target).second)
        return invalid_answer(auth, "GET", target,
                              "next_page_uri repeats an earlier page; stopped");
      if (page >= limits_.max_pages)
        return list_limit(auth,
                          "did not end within " + std::to_string(limits_.max_pages) +
                              " pages (the limit of pages per list)",
                          page, owned.size());
      if (page > 0 && clock.monotonic() - started >= limits_.max_seconds)
        return list_limit(auth,
                          "did not end within " + seconds_text(limits_.max_seconds) +
                              " s (the limit on one list's time)",
                          page, owned.size());
      HttpRequest req;
      req.method = "GET";
      req.target = target;
      // A full page is ~1.3 MB of JSON: the memory of the first, and of its numbers read, is
      // readied while Twilio prepares it (~8 ms of first touches on the bench's VM, issue 23);
      // the next pages reuse it.
      if (page == 0) req.expect_bytes = std::min<std::size_t>(auth.mapped, kPageSize) * kBytesPerNumber;
      Result<HttpResponse> r = send(auth, req);
      if (!r.ok()) return r.error();
      const HttpResponse& res = r.value();
      if (res.status < 200 || res.status > 299) return twilio_error(auth, "GET", target, res);
      PageReader reader;
      if (auto problem = reader.read(res.body); !problem.empty())
        return invalid_answer(auth, "GET", target, problem);
      for (auto& n : reader.items) owned.push_back(std::move(n));
      if (owned.size() > static_cast<std::size_t>(std::max(0L, limits_.max_numbers)))
        return list_limit(auth,
                          "has more than " + std::to_string(limits_.max_numbers) +
                              " numbers (the limit of numbers per account)",
                          page + 1, owned.size());
      if (reader.next.empty()) return owned;
      target = next_target(reader.next);
      if (target.compare(0, list_path.size() + 1, list_path + "?") != 0)
        return invalid_answer(
            auth, "GET", req.target,
            "next_page_uri '" + reader.next + "' is not a page of the same list");
    }
  }

  // GET (body empty) or POST (body a form) .../IncomingPhoneNumbers/{sid}.json, answered with
  // that number.
  Result<OwnedNumber> number_call(const TwilioAuth& auth, const std::string& method,
                                  const std::string& sid, std::string form) {
    if (sid.empty()) return invalid(auth, method + ": no IncomingPhoneNumber sid given");
    HttpRequest req;
    req.method = method;
    req.target = account_path(auth) + "/IncomingPhoneNumbers/" + encoded(sid) + ".json";
    if (method == "POST") {
      req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
      req.body = std::move(form);
    }
    Result<HttpResponse> r = send(auth, req);
    if (!r.ok()) return r.error();
    const HttpResponse& res = r.value();
    if (res.status < 200 || res.status > 299) {
      ApiError e = twilio_error(auth, method, req.target, res);
      const std::string prefix = who(auth) + ": ";
      if (e.kind == ErrorKind::NotFound && e.message.compare(0, prefix.size(), prefix) == 0)
        e.message =
            prefix + "number " + sid +
            " not found (deleted, or moved to another account): " + e.message.substr(prefix.size());
      // A 5xx may have done the update: unclear, but asking again is safe (same values).
      if (method == "POST" && e.kind == ErrorKind::Transient && res.status != 429)
        e.maybe_committed = true;
      return e;
    }
    PageReader reader(PageReader::Shape::number);
    if (auto problem = reader.read(res.body); !problem.empty())
      return invalid_answer(auth, method, req.target, problem);
    if (reader.items.size() != 1)
      return invalid_answer(auth, method, req.target, "expected one number");
    OwnedNumber& n = reader.items.front();
    if (n.sid != sid)
      return invalid_answer(auth, method, req.target,
                            "the answer is for number '" + n.sid.substr(0, 64) + "', not " + sid);
    return std::move(n);
  }

  std::shared_ptr<Transport> transport_;
  TwilioListLimits limits_;
};

}  // namespace

std::unique_ptr<TwilioApi> make_twilio_client(std::shared_ptr<Transport> transport,
                                              TwilioListLimits limits) {
  return std::make_unique<HttpTwilioClient>(std::move(transport), limits);
}

}  // namespace xs
