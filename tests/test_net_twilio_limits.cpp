// A Twilio list whose pages never end stops at a bound (pages, numbers, time) with an error
// naming the account and the limit (issue 13).
#include <catch2/catch.hpp>

#include "fakes.h"
#include "twilio/client.h"

using namespace xs;

namespace {

const std::string kSid = "AC0123456789abcdef0123456789abcdef";
const std::string kList = "/2010-04-01/Accounts/" + kSid + "/IncomingPhoneNumbers.json";
const std::string kWho = "Twilio account 'main' (" + kSid + "): ";

TwilioAuth auth() {
  return {"main", kSid, kSid, Secret("s3cret-token-value"), "TOKEN"};
}

// A hostile list: every page holds `per_page` new numbers and a new next_page_uri, and each
// answer takes `seconds` on the clock.
class EndlessList final : public Transport {
 public:
  EndlessList(int per_page, double seconds, test::FakeClock* clock)
      : per_page_(per_page), seconds_(seconds), clock_(clock) {}
  int requests = 0;
  Result<HttpResponse> send(const HttpRequest&) override {
    ++requests;
    if (clock_) clock_->now += seconds_;
    std::string items;
    for (int i = 0; i < per_page_; ++i) {
      if (!items.empty()) items += ",";
      items += R"({"sid":"PN)" + std::to_string(count_) + R"(","phone_number":"+1555)" +
               std::to_string(count_) + "\"}";
      ++count_;
    }
    return HttpResponse{200,
                        "OK",
                        {},
                        R"({"incoming_phone_numbers":[)" + items + R"(],"next_page_uri":")" +
                            kList + "?PageSize=1000&Page=" + std::to_string(requests) + "\"}"};
  }
  std::string base_url() const override { return "http://fake"; }

 private:
  int per_page_;
  double seconds_;
  test::FakeClock* clock_;
  long count_ = 0;
};

}  // namespace

TEST_CASE("the list's limits default to 10,000 pages, 1,000,000 numbers and 10 minutes") {
  TwilioListLimits limits;
  CHECK(limits.max_pages == 10000);
  CHECK(limits.max_numbers == 1000000);
  CHECK(limits.max_seconds == 600);
  CHECK(limits.clock == nullptr);
}

TEST_CASE("an endless list stops at the page limit, naming the account and the limit") {
  auto t = std::make_shared<EndlessList>(1, 0, nullptr);
  TwilioListLimits limits;
  limits.max_pages = 5;
  auto r = make_twilio_client(t, limits)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(t->requests == 5);
  CHECK(r.error().kind == ErrorKind::Invalid);
  CHECK(r.error().message == kWho +
                                 "the IncomingPhoneNumbers list did not end within 5 pages (the "
                                 "limit of pages per list); stopped after 5 pages and 5 numbers");
}

TEST_CASE("an endless list stops at the default page limit") {
  auto t = std::make_shared<EndlessList>(1, 0, nullptr);
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(t->requests == 10000);
  CHECK(r.error().message.find("did not end within 10000 pages") != std::string::npos);
}

TEST_CASE("a list longer than the numbers limit stops") {
  auto t = std::make_shared<EndlessList>(3, 0, nullptr);
  TwilioListLimits limits;
  limits.max_numbers = 7;
  auto r = make_twilio_client(t, limits)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(t->requests == 3);
  CHECK(r.error().kind == ErrorKind::Invalid);
  CHECK(r.error().message == kWho +
                                 "the IncomingPhoneNumbers list has more than 7 numbers (the limit "
                                 "of numbers per account); stopped after 3 pages and 9 numbers");
}

TEST_CASE("a list that takes longer than its time limit stops between pages") {
  test::FakeClock clock;
  auto t = std::make_shared<EndlessList>(1, 100, &clock);
  TwilioListLimits limits;
  limits.max_seconds = 250;
  limits.clock = &clock;
  auto r = make_twilio_client(t, limits)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(t->requests == 3);  // 300 s had gone when the fourth page would have been asked for
  CHECK(r.error().kind == ErrorKind::Invalid);  // not Transient: asking again would be as long
  CHECK(r.error().message == kWho +
                                 "the IncomingPhoneNumbers list did not end within 250 s (the "
                                 "limit on one list's time); stopped after 3 pages and 3 numbers");
}

TEST_CASE("a list that ends within its limits is whole, even on the last allowed page") {
  auto t = std::make_shared<test::ScriptedTransport>();
  t->answers = {
      test::response(200, R"({"incoming_phone_numbers":[{"phone_number":"+15550000001"}],)"
                          R"("next_page_uri":")" +
                              kList + R"(?Page=1"})"),
      test::response(200, R"({"incoming_phone_numbers":[{"phone_number":"+15550000002"}]})")};
  TwilioListLimits limits;
  limits.max_pages = 2;
  limits.max_numbers = 2;
  auto r = make_twilio_client(t, limits)->list_owned(auth());
  REQUIRE(r.ok());
  CHECK(r.value().size() == 2);
}
