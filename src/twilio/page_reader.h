#pragma once
// A page of Twilio's IncomingPhoneNumbers list, read as Poco's parser walks it (private to
// src/twilio): only the three fields of each number and next_page_uri are kept.
#include <Poco/JSON/Handler.h>

#include <string>
#include <vector>

#include "twilio/client.h"

namespace xs {

// Reads a page of the list as Poco's parser walks it, keeping only the three fields of each
// number and next_page_uri: a page of 1000 numbers is about 1.3 MB of JSON, and building its
// whole tree took three times as long as this.
class PageReader final : public Poco::JSON::Handler {
 public:
  std::vector<OwnedNumber> items;
  std::string next;
  std::string problem;  // the first thing wrong with the page, "" if none

  void reset() override;
  void startObject() override { open(true); }
  void endObject() override { close(); }
  void startArray() override { open(false); }
  void endArray() override { close(); }
  void key(const std::string& k) override { key_ = k; }
  void null() override { scalar(""); }
  void value(int v) override { scalar(std::to_string(v)); }
  void value(unsigned v) override { scalar(std::to_string(v)); }
  void value(Poco::Int64 v) override { scalar(std::to_string(v)); }
  void value(Poco::UInt64 v) override { scalar(std::to_string(v)); }
  void value(const std::string& v) override { scalar(v); }
  void value(double v) override { scalar(std::to_string(v)); }
  void value(bool v) override { scalar(v ? "true" : "false"); }

  // Called once the parser is done: what a whole page must have.
  void finish();

 private:
  struct Frame {
    bool object;
    bool items;  // the incoming_phone_numbers array
  };

  bool in_items() const { return stack_.size() == 2 && stack_[1].items; }
  // Directly inside a number's object (not inside an array in the items array).
  bool in_item() const { return stack_.size() == 3 && stack_[1].items && stack_[2].object; }
  void fail(const std::string& why) {
    if (problem.empty()) problem = why;
  }
  std::string item_name() const { return "item " + std::to_string(items.size()); }

  void open(bool object);
  void close();
  void scalar(const std::string& v);

  std::vector<Frame> stack_;
  std::string key_;
  bool root_object_ = false;
  bool has_items_ = false;
};

}  // namespace xs
