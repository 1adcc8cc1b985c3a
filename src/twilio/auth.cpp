#include "twilio/auth.h"

#include <Poco/Base64Encoder.h>

#include <sstream>

namespace xs {

std::string basic_credentials(const TwilioAuth& auth) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);  // one line: the default breaks every 72 characters
  encoder << auth.username << ':' << auth.password.reveal();
  encoder.close();
  return out.str();
}

std::string hide_auth(const TwilioAuth& auth, std::string text) {
  if (auth.password.empty()) return text;
  text = Secret(basic_credentials(auth)).hide_in(std::move(text));
  return auth.password.hide_in(std::move(text));
}

}  // namespace xs
