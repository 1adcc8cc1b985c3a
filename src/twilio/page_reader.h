#pragma once
// A page of Twilio's IncomingPhoneNumbers list, or one IncomingPhoneNumber, read in one pass
// (private to src/twilio): only each number's fields of OwnedNumber are kept.
#include <string>
#include <string_view>
#include <vector>

#include "twilio/client.h"

namespace xs {

// Reads a page of the list (or, as Shape::number, one number's object) as a SAX parser walks
// it, keeping only the fields of OwnedNumber (its routing too, null as "") and next_page_uri:
// a page of 1000 numbers is about 1.3 MB of JSON; building its whole tree took three times as
// long as walking it, and walking it with Poco's parser took 17 ms where RapidJSON's reader
// takes 3 (issue 23: the list is on the critical path of a first apply).
class PageReader {
 public:
  enum class Shape { page, number };
  explicit PageReader(Shape shape = Shape::page) : shape_(shape) {}

  // Reads body; returns what is wrong with it (not JSON, or not a page), or "".
  std::string read(const std::string& body);

  std::vector<OwnedNumber> items;  // Shape::number: the one number, once read
  std::string next;
  std::string problem;  // the first thing wrong with the page, "" if none

  // The parser's events (RapidJSON's handler concept); each returns true to go on.
  bool StartObject() { return open(true); }
  bool EndObject(unsigned) { return close(); }
  bool StartArray() { return open(false); }
  bool EndArray(unsigned) { return close(); }
  bool Key(const char* s, unsigned length, bool) {
    key_ = field_of({s, length});
    return true;
  }
  bool Null() { return scalar({}); }
  bool Bool(bool v) { return scalar(v ? "true" : "false"); }
  bool String(const char* s, unsigned length, bool) { return scalar({s, length}); }
  bool RawNumber(const char* s, unsigned length, bool) { return scalar({s, length}); }
  // Not called: numbers arrive as their text (RawNumber).
  bool Int(int) { return true; }
  bool Uint(unsigned) { return true; }
  bool Int64(long long) { return true; }
  bool Uint64(unsigned long long) { return true; }
  bool Double(double) { return true; }

 private:
  // What a key names, decided once per key (not once per field compared).
  enum class Field { other, phone_number, friendly_name, sid, next_page_uri, items, routing };
  struct KeyOf {
    Field field = Field::other;
    std::string TwilioRouting::*routing = nullptr;  // Field::routing
  };
  static KeyOf field_of(std::string_view key);

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
  void finish();

  bool open(bool object);
  bool close();
  bool scalar(std::string_view v);

  Shape shape_;
  std::vector<Frame> stack_;
  KeyOf key_;
  bool root_object_ = false;
  bool has_items_ = false;
};

}  // namespace xs
