#pragma once
// A page of Twilio's IncomingPhoneNumbers list, or one IncomingPhoneNumber, read as Poco's
// parser walks it (private to src/twilio): only each number's fields of OwnedNumber are kept.
#include <Poco/JSON/Handler.h>

#include <string>
#include <vector>

#include "twilio/client.h"

namespace xs {

// Reads a page of the list (or, as Shape::number, one number's object) as Poco's parser walks
// it, keeping only the fields of OwnedNumber (its routing too, null as "") and next_page_uri:
// a page of 1000 numbers is about 1.3 MB of JSON, and building its whole tree took three times
// as long as this.
class PageReader final : public Poco::JSON::Handler {
 public:
  enum class Shape { page, number };
  explicit PageReader(Shape shape = Shape::page) : shape_(shape) {}

  std::vector<OwnedNumber> items;  // Shape::number: the one number, once read
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

  bool in_items() const { return shape_ == Shape::page && stack_.size() == 2 && stack_[1].items; }
  // Directly inside a number's object (not inside an array in the items array).
  bool in_item() const {
    if (shape_ == Shape::number) return stack_.size() == 1 && stack_[0].object;
    return stack_.size() == 3 && stack_[1].items && stack_[2].object;
  }
  void fail(const std::string& why) {
    if (problem.empty()) problem = why;
  }
  std::string item_name(std::size_t i) const {
    return shape_ == Shape::number ? "the number" : "item " + std::to_string(i);
  }

  void open(bool object);
  void close();
  void scalar(const std::string& v);

  Shape shape_;
  std::vector<Frame> stack_;
  std::string key_;
  bool root_object_ = false;
  bool has_items_ = false;
};

}  // namespace xs
