#include "xuna/list_reader.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <string_view>
#include <utility>

namespace xs {
namespace {

// Stops the parse with a message for the caller.
struct NotAList {
  std::string why;
};

// Where the parse stands, by the depth of nesting (the root value is at depth 1).
class ListHandler final : public Poco::JSON::Handler {
 public:
  explicit ListHandler(LiveList& out) : out_(out) {}

  bool found() const { return list_depth_ != 0 || found_; }

  void reset() override {}

  void startObject() override {
    const int depth = ++depth_;
    if (depth == 1) {  // the root: an object that may hold "phone_numbers"
      root_object_ = true;
      return;
    }
    if (depth == list_depth_ + 1) {
      start_item();
    } else if (depth == list_depth_ + 2 && key_ == "assigned_agent") {
      in_assigned_ = true;
    }
  }

  void endObject() override {
    const int depth = depth_--;
    if (depth == list_depth_ + 1 && list_depth_ != 0) {
      end_item();
    } else if (depth == list_depth_ + 2) {
      in_assigned_ = false;
    }
  }

  void startArray() override {
    const int depth = ++depth_;
    if (depth == 1 || (depth == 2 && root_object_ && key_ == "phone_numbers")) {
      out_.clear();  // the last "phone_numbers" counts
      items_ = 0;
      list_depth_ = depth;
    } else if (depth == list_depth_ + 1) {
      not_an_object();
    }
  }

  void endArray() override {
    if (depth_-- == list_depth_) {
      found_ = true;
      list_depth_ = 0;
    }
  }

  void key(const std::string& k) override {
    if (depth_ == 1 && k == "phone_numbers") {  // a later one replaces an earlier list
      found_ = false;
      out_.clear();
    }
    key_ = k;
  }

  void null() override { scalar(std::string()); }
  void value(int v) override { scalar(std::to_string(v)); }
  void value(unsigned v) override { scalar(std::to_string(v)); }
  void value(Poco::Int64 v) override { scalar(std::to_string(v)); }
  void value(Poco::UInt64 v) override { scalar(std::to_string(v)); }
  void value(const std::string& v) override { scalar(v); }
  void value(double v) override { scalar(Poco::Dynamic::Var(v).convert<std::string>()); }
  void value(bool v) override { scalar(v ? "true" : "false"); }

 private:
  void start_item() {
    item_ = LiveNumber{};
    agent_.clear();
    assigned_agent_.clear();
  }

  void end_item() {
    if (item_.phone_number_id.empty() || item_.phone_number.empty())
      throw NotAList{"item " + std::to_string(items_) + " lacks phone_number_id or phone_number"};
    const std::string& agent = agent_.empty() ? assigned_agent_ : agent_;
    if (!agent.empty()) item_.agent_id = agent;
    out_.push_back(std::move(item_));
    ++items_;
  }

  void not_an_object() {
    throw NotAList{"item " + std::to_string(items_) + " is not an object"};
  }

  void scalar(std::string v) {
    if (list_depth_ == 0) return;
    if (depth_ == list_depth_) {
      not_an_object();
    } else if (depth_ == list_depth_ + 1) {
      if (key_ == "phone_number_id") {
        item_.phone_number_id = std::move(v);
      } else if (key_ == "phone_number") {
        item_.phone_number = std::move(v);
      } else if (key_ == "label") {
        item_.label = std::move(v);
      } else if (key_ == "agent_id") {
        agent_ = std::move(v);
      }
    } else if (depth_ == list_depth_ + 2 && in_assigned_ && key_ == "agent_id") {
      assigned_agent_ = std::move(v);
    }
  }

  LiveList& out_;
  int depth_ = 0;
  int list_depth_ = 0;  // the depth of the list's array while it is read, else 0
  bool found_ = false;  // a whole list was read
  bool in_assigned_ = false;
  bool root_object_ = false;
  std::string key_;
  std::size_t items_ = 0;
  LiveNumber item_;
  std::string agent_, assigned_agent_;
};

}  // namespace

std::string read_number_list(const std::string& body, LiveList& out) {
  out.clear();
  // Room for every item at once (each names its phone_number_id): a growing vector of 100k
  // numbers held twice its size at its last doubling. Bounded: the text may lie.
  const std::string_view id_key = "\"phone_number_id\"";
  std::size_t ids = 0;
  for (auto at = body.find(id_key); at != std::string::npos; at = body.find(id_key, at + 1)) ++ids;
  out.reserve(std::min<std::size_t>(ids, 1000000));
  Poco::SharedPtr<ListHandler> handler = new ListHandler(out);
  try {
    Poco::JSON::Parser parser(handler);
    parser.parse(body);
  } catch (const NotAList& e) {
    out.clear();
    return e.why;
  } catch (const Poco::Exception& e) {
    out.clear();
    return e.displayText();
  }
  if (!handler->found()) {
    out.clear();
    return "expected a JSON array";
  }
  return {};
}

}  // namespace xs
