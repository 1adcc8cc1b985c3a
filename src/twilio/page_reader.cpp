#include "twilio/page_reader.h"

namespace xs {

void PageReader::reset() {
  items.clear();
  next.clear();
  problem.clear();
  stack_.clear();
  key_.clear();
  root_object_ = false;
  has_items_ = false;
}

void PageReader::finish() {
  if (!problem.empty()) return;
  if (!root_object_) {
    problem = "expected a JSON object";
  } else if (shape_ == Shape::page && !has_items_) {
    problem = "no incoming_phone_numbers array";
  }
}

void PageReader::open(bool object) {
  if (stack_.empty()) {
    root_object_ = object;
    if (shape_ == Shape::number && object) items.emplace_back();
  }
  const bool items_array = shape_ == Shape::page && stack_.size() == 1 && stack_[0].object &&
                           key_ == "incoming_phone_numbers" && !object;
  if (items_array) has_items_ = true;
  if (in_items()) {
    if (object) {
      items.emplace_back();
    } else {
      fail(item_name(items.size()) + " is not an object");
    }
  }
  stack_.push_back({object, items_array});
}

void PageReader::close() {
  if (in_item() && items.back().phone_number.empty())
    fail(item_name(items.size() - 1) + " has no phone_number");
  if (!stack_.empty()) stack_.pop_back();
}

void PageReader::scalar(const std::string& v) {
  if (in_item()) {
    OwnedNumber& n = items.back();
    if (key_ == "phone_number") {
      n.phone_number = v;
    } else if (key_ == "friendly_name") {
      n.friendly_name = v;
    } else if (key_ == "sid") {
      n.sid = v;
      n.routing.sid = v;
    } else {
      for (const auto& [name, field] : routing_fields())
        if (key_ == name) n.routing.*field = v;
    }
  } else if (shape_ == Shape::page && stack_.size() == 1 && stack_[0].object) {
    if (key_ == "next_page_uri") next = v;
    if (key_ == "incoming_phone_numbers") has_items_ = false;  // there, but not an array
  } else if (in_items()) {
    fail(item_name(items.size()) + " is not an object");
  }
}

}  // namespace xs
