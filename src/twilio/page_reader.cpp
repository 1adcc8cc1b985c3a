#include "twilio/page_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace xs {

std::string PageReader::read(const std::string& body) {
  items.clear();
  next.clear();
  problem.clear();
  stack_.clear();
  key_ = {};
  root_object_ = false;
  has_items_ = false;
  // Iterative: a hostile page nested a million deep costs memory, not the stack. UTF-8 is
  // checked, numbers are kept as written, and the body is read to its last byte (a NUL inside
  // it does not end it early).
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseNumbersAsStringsFlag;
  rapidjson::MemoryStream in(body.data(), body.size());
  rapidjson::Reader reader;
  const rapidjson::ParseResult ok = reader.Parse<kFlags>(in, *this);
  if (!ok) {
    const std::string why = rapidjson::GetParseError_En(ok.Code());
    return "not JSON: " + why.substr(0, why.find_last_not_of('.') + 1) + " (at byte " +
           std::to_string(ok.Offset()) + ")";
  }
  if (in.Tell() != body.size())
    return "not JSON: a NUL byte at byte " + std::to_string(in.Tell());
  finish();
  return problem;
}

void PageReader::finish() {
  if (!problem.empty()) return;
  if (!root_object_) {
    problem = "expected a JSON object";
  } else if (shape_ == Shape::page && !has_items_) {
    problem = "no incoming_phone_numbers array";
  }
}

PageReader::KeyOf PageReader::field_of(std::string_view key) {
  static const std::vector<std::pair<std::string_view, Field>> named = {
      {"phone_number", Field::phone_number}, {"friendly_name", Field::friendly_name},
      {"sid", Field::sid}, {"next_page_uri", Field::next_page_uri},
      {"incoming_phone_numbers", Field::items}};
  for (const auto& [name, field] : named)
    if (key == name) return {field, nullptr};
  for (const auto& [name, field] : routing_fields())
    if (key == name) return {Field::routing, field};
  return {};
}

bool PageReader::open(bool object) {
  if (stack_.empty()) {
    root_object_ = object;
    if (shape_ == Shape::number && object) items.emplace_back();
  }
  const bool items_array = shape_ == Shape::page && stack_.size() == 1 && stack_[0].object &&
                           key_.field == Field::items && !object;
  if (items_array) has_items_ = true;
  if (in_items()) {
    if (object) {
      items.emplace_back();
    } else {
      fail(item_name(items.size()) + " is not an object");
    }
  }
  stack_.push_back({object, items_array});
  return true;
}

bool PageReader::close() {
  if (in_item() && items.back().phone_number.empty())
    fail(item_name(items.size() - 1) + " has no phone_number");
  if (!stack_.empty()) stack_.pop_back();
  return true;
}

bool PageReader::scalar(std::string_view v) {
  if (in_item()) {
    OwnedNumber& n = items.back();
    switch (key_.field) {
      case Field::phone_number: n.phone_number = v; break;
      case Field::friendly_name: n.friendly_name = v; break;
      case Field::sid:
        n.sid = v;
        n.routing.sid = v;
        break;
      case Field::routing: n.routing.*key_.routing = v; break;
      default: break;
    }
  } else if (shape_ == Shape::page && stack_.size() == 1 && stack_[0].object) {
    if (key_.field == Field::next_page_uri) next = v;
    if (key_.field == Field::items) has_items_ = false;  // there, but not an array
  } else if (in_items()) {
    fail(item_name(items.size()) + " is not an object");
  }
  return true;
}

}  // namespace xs
