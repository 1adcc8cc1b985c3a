#include "mapping/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <unordered_map>

namespace xs::mapping::yaml {

std::string_view Node::text() const {
  if (!tree_) return {};
  const Tree::Rec& r = tree_->nodes[index_];
  if (r.type != NodeType::Scalar) return {};  // a null's "~" is not text, as in yaml-cpp
  return std::string_view(tree_->arena).substr(r.first, r.count);
}

std::string Node::Tag() const {
  if (!tree_) return "?";
  const Tree::Rec& r = tree_->nodes[index_];
  if (r.tag) return tree_->tags[r.tag];
  return r.plain ? "?" : "!";
}

bool Node::plain() const {
  return tree_ && tree_->nodes[index_].plain;
}

Mark Node::Mark() const {
  if (!tree_) return {};
  const Tree::Rec& r = tree_->nodes[index_];
  return {r.line, r.column};
}

size_t Node::size() const {
  const NodeType::value t = Type();
  if (t == NodeType::Sequence) return tree_->nodes[index_].count;
  if (t == NodeType::Map) return tree_->nodes[index_].count / 2;
  return 0;
}

uint32_t Node::child(size_t i) const {
  return tree_->kids[tree_->nodes[index_].first + i];
}

Node Node::item(size_t i) const {
  return {tree_, child(i)};
}
Node Node::key(size_t i) const {
  return {tree_, child(2 * i)};
}
Node Node::value(size_t i) const {
  return {tree_, child(2 * i + 1)};
}

namespace {

constexpr int kMaxNesting = 1000;       // far beyond any mapping; the readers stop at 64
constexpr size_t kMaxBytes = 1u << 30;  // offsets are 32-bit
constexpr size_t kMaxTags = 1000;       // distinct tags in one file
// Scalar bytes a file may hold once its aliases are expanded: 4 times its size, at least
// 16 MiB (a 1 KiB override shared by 10,000 calls is fine; an anchor of 1 MiB referenced
// 100,000 times is a bomb that the readers would copy into 100 GB).
constexpr uint64_t kExpansionFactor = 4;
constexpr uint64_t kMinExpansionBudget = uint64_t{16} << 20;

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t utf8_length(const std::string& s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t cp = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && cp < 0x10000) ||
      cp > 0x10FFFF) {
    return 0;
  }
  return n;
}

bool utf16_or_32(const std::string& s) {
  return s.size() >= 2 &&
         ((s[0] == '\xFF' && s[1] == '\xFE') || (s[0] == '\xFE' && s[1] == '\xFF'));
}

// Invalid UTF-8 bytes replaced by U+FFFD (yaml-cpp read them through; libyaml stops at them).
// nullopt when text is valid, so the usual case copies nothing.
std::optional<std::string> repaired_utf8(const std::string& text) {
  if (utf16_or_32(text)) return std::nullopt;
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = utf8_length(text, i);
    if (n == 0) break;
    i += n;
  }
  if (i == text.size()) return std::nullopt;
  std::string out = text.substr(0, i);
  while (i < text.size()) {
    const size_t n = utf8_length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

// Steps over one character of UTF-8 text at i; counts a line break as libyaml does.
void step(const std::string& t, size_t& i, Mark& m) {
  const auto c = static_cast<unsigned char>(t[i]);
  const bool crlf = c == '\r' && i + 1 < t.size() && t[i + 1] == '\n';
  const bool nel = c == 0xC2 && i + 1 < t.size() && t[i + 1] == '\x85';
  const bool ls_ps = c == 0xE2 && i + 2 < t.size() && t[i + 1] == '\x80' &&
                     (t[i + 2] == '\xA8' || t[i + 2] == '\xA9');
  if (c == '\n' || c == '\r' || nel || ls_ps) {
    ++m.line;
    m.column = 0;
  } else {
    ++m.column;
  }
  i += crlf ? 2 : std::max<size_t>(1, utf8_length(t, i));
}

size_t skip_bom(const std::string& t) {
  return t.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
}

// The byte offset of a mark in UTF-8 text (text.size() when past the end).
size_t offset_of(const std::string& t, Mark at) {
  size_t i = skip_bom(t);
  Mark m{0, 0};
  while (i < t.size() && (m.line < at.line || (m.line == at.line && m.column < at.column))) {
    step(t, i, m);
  }
  return i;
}

// The mark of a byte offset in UTF-8 text.
Mark mark_of(const std::string& t, size_t offset) {
  size_t i = skip_bom(t);
  Mark m{0, 0};
  while (i < t.size() && i < offset) step(t, i, m);
  return m;
}

Mark mark(const yaml_mark_t& m) {
  return {static_cast<int>(std::min<size_t>(m.line, INT_MAX)),
          static_cast<int>(std::min<size_t>(m.column, INT_MAX))};
}

// libyaml's problem in the words of yaml-cpp where the tests pin them; else libyaml's own,
// with where the construct it was reading started.
// "the '[' at line 2, column 10 is not closed" for a flow collection opened at m.
std::string unclosed(char opener, const Mark& m) {
  return std::string(" (the '") + opener + "' at line " + std::to_string(m.line + 1) + ", column " +
         std::to_string(m.column + 1) + " is not closed)";
}

// The innermost collection still open when parsing stopped (type Null when none).
struct Open {
  NodeType::value type = NodeType::Null;
  Mark mark;
};

// at, next: the characters at the problem and after it ('\0' past the end).
std::string describe(const yaml_parser_t& p, char at, char next, const Open& open) {
  const std::string problem = p.problem ? p.problem : "syntax error";
  if (at == '\0' && open.type != NodeType::Null &&
      problem == "did not find expected node content") {
    return open.type == NodeType::Sequence
               ? "end of sequence flow not found" + unclosed('[', open.mark)
               : "end of map flow not found" + unclosed('{', open.mark);
  }
  const bool flow_character = at == ',' || at == ']' || at == '}';
  if (flow_character && problem == "did not find expected <document start>") {
    return std::string("unexpected '") + at + "'";
  }
  if (flow_character &&
      (problem == "did not find expected node content" || problem == "did not find expected key")) {
    return at == ',' ? "unexpected ','" : "illegal flow end";
  }
  if (problem == "mapping values are not allowed in this context") return "illegal map value";
  if (problem == "found a tab character that violates indentation") {
    return "illegal tab when looking for indentation";
  }
  if (problem == "did not find expected ',' or ']'") {
    return "end of sequence flow not found" + unclosed('[', mark(p.context_mark));
  }
  if (problem == "did not find expected ',' or '}'") {
    return "end of map flow not found" + unclosed('{', mark(p.context_mark));
  }
  std::string what = problem;
  if (problem == "found unknown escape character" && at == '\\' && next > ' ') {
    what += std::string(" '\\") + next + "'";
  }
  if (!p.context) return what;
  const bool block = std::strstr(p.context, "block") != nullptr;
  return what + " (" + p.context + " that starts at line " +
         std::to_string(p.context_mark.line + 1) + ", column " +
         std::to_string(p.context_mark.column + 1) + (block ? "; check the indentation)" : ")");
}

class Builder {
 public:
  Builder(Tree& tree, size_t text_size)
      : t_(tree), budget_(std::max<uint64_t>(kExpansionFactor * text_size, kMinExpansionBudget)) {
    t_.arena.reserve(text_size + 16);
  }

  std::optional<uint32_t> root;
  std::optional<SyntaxError> error;

  // The innermost collection not closed yet.
  Open innermost() const {
    if (open_.empty()) return {};
    const Tree::Rec& r = t_.nodes[open_.back().index];
    return {static_cast<NodeType::value>(r.type), {r.line, r.column}};
  }

  // Adds one event of the first document; false (error set) when the tree can't take it.
  bool add(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_SCALAR_EVENT:
        return scalar(e);
      case YAML_SEQUENCE_START_EVENT:
        return open(e, NodeType::Sequence, e.data.sequence_start.anchor, e.data.sequence_start.tag);
      case YAML_MAPPING_START_EVENT:
        return open(e, NodeType::Map, e.data.mapping_start.anchor, e.data.mapping_start.tag);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        close();
        return true;
      case YAML_ALIAS_EVENT: {
        const char* name = reinterpret_cast<const char*>(e.data.alias.anchor);
        const auto it = anchors_.find(name);
        if (it == anchors_.end()) {
          error = SyntaxError{mark(e.start_mark), "the referenced anchor is not defined"};
          return false;
        }
        if (!grow(it->second.bytes)) {
          error = SyntaxError{mark(e.start_mark), bomb_message(name, it->second)};
          return false;
        }
        attach(it->second.index);
        return true;
      }
      default:
        return true;
    }
  }

 private:
  bool tag_index(const yaml_char_t* tag, uint16_t& out, const yaml_event_t& e) {
    out = 0;
    if (!tag) return true;
    const std::string name(reinterpret_cast<const char*>(tag));
    const auto it = tags_.find(name);
    if (it != tags_.end()) {
      out = it->second;
      return true;
    }
    if (t_.tags.size() > kMaxTags) {
      error = SyntaxError{mark(e.start_mark), "too many distinct tags"};
      return false;
    }
    out = static_cast<uint16_t>(t_.tags.size());
    t_.tags.push_back(name);
    tags_.emplace(name, out);
    return true;
  }

  // What an anchor names: its node, where it is, and its scalar bytes once expanded (known
  // when the node is closed; an alias inside it, a recursion, counts what is known so far).
  struct Anchored {
    uint32_t index = 0;
    Mark mark;
    uint64_t bytes = 0;
  };

  uint32_t add_node(const Tree::Rec& r, const yaml_char_t* anchor, uint64_t bytes = 0) {
    const auto index = static_cast<uint32_t>(t_.nodes.size());
    t_.nodes.push_back(r);
    if (anchor) {
      anchors_[reinterpret_cast<const char*>(anchor)] = {index, {r.line, r.column}, bytes};
    }
    return index;
  }

  // Counts bytes of expanded text in the innermost open collection and the whole; false when
  // the whole would pass the budget.
  bool grow(uint64_t bytes) {
    if (expanded_ + bytes > budget_) return false;
    expanded_ += bytes;
    if (!open_.empty()) open_.back().bytes += bytes;
    return true;
  }

  std::string bomb_message(const std::string& name, const Anchored& a) const {
    return "alias '*" + name + "' (of the anchor '&" + name + "' at line " +
           std::to_string(a.mark.line + 1) + ") makes the mapping hold more than " +
           std::to_string(budget_ >> 20) + " MiB once aliases are expanded (the limit is " +
           std::to_string(kExpansionFactor) + " times the file's size, at least " +
           std::to_string(kMinExpansionBudget >> 20) + " MiB): refused as an alias bomb";
  }

  bool scalar(const yaml_event_t& e) {
    Tree::Rec r;
    if (!tag_index(e.data.scalar.tag, r.tag, e)) return false;
    const auto* value = reinterpret_cast<const char*>(e.data.scalar.value);
    const size_t length = e.data.scalar.length;
    const std::string_view text(value, length);
    r.plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && r.tag == 0;
    const bool null = r.plain && (text.empty() || text == "~" || text == "null" || text == "Null" ||
                                  text == "NULL");
    r.type = null ? NodeType::Null : NodeType::Scalar;
    if (t_.arena.size() + length > kMaxBytes || !grow(length)) {
      error = SyntaxError{mark(e.start_mark), "too large"};
      return false;
    }
    r.first = static_cast<uint32_t>(t_.arena.size());
    r.count = static_cast<uint32_t>(length);
    t_.arena.append(value, length);
    set_mark(r, e);
    attach(add_node(r, e.data.scalar.anchor, length));
    return true;
  }

  bool open(const yaml_event_t& e, NodeType::value type, const yaml_char_t* anchor,
            const yaml_char_t* tag) {
    if (open_.size() >= kMaxNesting) {
      error = SyntaxError{mark(e.start_mark), "nested too deeply"};
      return false;
    }
    Tree::Rec r;
    if (!tag_index(tag, r.tag, e)) return false;
    r.type = static_cast<uint8_t>(type);
    set_mark(r, e);
    const uint32_t index = add_node(r, anchor);
    open_.push_back(
        {index, pending_.size(), 0, anchor ? reinterpret_cast<const char*>(anchor) : ""});
    return true;
  }

  void close() {
    if (open_.empty()) return;
    const Opened o = open_.back();
    const uint32_t index = o.index;
    const size_t start = o.start;
    open_.pop_back();
    if (!open_.empty()) open_.back().bytes += o.bytes;
    if (!o.anchor.empty()) {
      const auto it = anchors_.find(o.anchor);
      if (it != anchors_.end() && it->second.index == index) it->second.bytes = o.bytes;
    }
    Tree::Rec& r = t_.nodes[index];
    r.first = static_cast<uint32_t>(t_.kids.size());
    r.count = static_cast<uint32_t>(pending_.size() - start);
    for (size_t i = start; i < pending_.size(); ++i) t_.kids.push_back(pending_[i]);
    pending_.resize(start);
    attach(index);
  }

  void attach(uint32_t index) {
    if (open_.empty()) {
      if (!root) root = index;
    } else {
      pending_.push_back(index);
    }
  }

  static void set_mark(Tree::Rec& r, const yaml_event_t& e) {
    const Mark m = mark(e.start_mark);
    r.line = m.line;
    r.column = m.column;
  }

  // An open collection: its node, the start of its kids in pending_, the scalar bytes it holds
  // so far (aliases expanded), and its anchor ("" when none).
  struct Opened {
    uint32_t index;
    size_t start;
    uint64_t bytes;
    std::string anchor;
  };

  Tree& t_;
  const uint64_t budget_;
  uint64_t expanded_ = 0;          // scalar bytes of the document, aliases expanded
  std::vector<Opened> open_;       // open containers, innermost last
  std::vector<uint32_t> pending_;  // kids of the open containers
  std::unordered_map<std::string, Anchored> anchors_;
  std::unordered_map<std::string, uint16_t> tags_;
};

// Owns a libyaml parser and its current event.
class Parser {
 public:
  explicit Parser(const std::string& text) {
    ok_ = yaml_parser_initialize(&p_) != 0;
    if (ok_) {
      yaml_parser_set_input_string(&p_, reinterpret_cast<const unsigned char*>(text.data()),
                                   text.size());
    }
  }
  ~Parser() {
    if (has_event_) yaml_event_delete(&e_);
    if (ok_) yaml_parser_delete(&p_);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  bool ok() const { return ok_; }
  // The next event, or nullptr on a syntax error (see parser()).
  const yaml_event_t* next() {
    if (has_event_) yaml_event_delete(&e_);
    has_event_ = yaml_parser_parse(&p_, &e_) != 0;
    return has_event_ ? &e_ : nullptr;
  }
  const yaml_parser_t& parser() const { return p_; }

 private:
  yaml_parser_t p_{};
  yaml_event_t e_{};
  bool ok_ = false;
  bool has_event_ = false;
};

SyntaxError syntax_error(const yaml_parser_t& p, const std::string& text, const Open& open) {
  if (p.error == YAML_MEMORY_ERROR) return {{}, "out of memory while parsing"};
  if (p.error == YAML_READER_ERROR) {
    std::string message = p.problem ? p.problem : "cannot read the text";
    if (p.problem_value >= 0) {
      char hex[16];
      std::snprintf(hex, sizeof hex, " (#x%X)", static_cast<unsigned>(p.problem_value));
      message += hex;
    }
    return {mark_of(text, p.problem_offset), message};
  }
  const Mark at = mark(p.problem_mark);
  const size_t offset = utf16_or_32(text) ? text.size() : offset_of(text, at);
  const auto char_at = [&](size_t i) { return i < text.size() ? text[i] : '\0'; };
  return {at, describe(p, char_at(offset), char_at(offset + 1), open)};
}

// Records where parsing stopped: a second document when text follows a finished first one
// (and is not a stray ',', ']' or '}'), else a syntax error.
void stopped(Documents& d, const yaml_parser_t& p, const std::string& text, const Open& open,
             bool first_done) {
  SyntaxError error = syntax_error(p, text, open);
  const bool stray = error.message.rfind("unexpected '", 0) == 0;
  if (first_done && !stray && p.problem &&
      std::strcmp(p.problem, "did not find expected <document start>") == 0) {
    if (!d.second) d.second = error.mark;
  } else {
    d.error = std::move(error);
  }
}

}  // namespace

Documents parse_documents(const std::string& original) {
  Documents d;
  d.tree = std::make_unique<Tree>();
  const std::optional<std::string> repaired = repaired_utf8(original);
  const std::string& text = repaired ? *repaired : original;
  if (text.size() > kMaxBytes) {
    d.error = SyntaxError{{}, "too large: more than 1 GiB"};
    return d;
  }
  Parser parser(text);
  if (!parser.ok()) throw std::bad_alloc();
  Builder builder(*d.tree, text.size());
  int documents = 0;
  bool first_done = false;
  // Every event but the stream's own consumes text: the bound is a guard, never reached.
  const size_t max_events = 4 * text.size() + 64;
  for (size_t n = 0;; ++n) {
    const yaml_event_t* e = n < max_events ? parser.next() : nullptr;
    if (!e) {
      if (n < max_events) {
        stopped(d, parser.parser(), text, builder.innermost(), first_done);
      } else {
        d.error = SyntaxError{{}, "too many YAML events"};
      }
      break;
    }
    if (e->type == YAML_STREAM_END_EVENT) break;
    if (e->type == YAML_DOCUMENT_START_EVENT) {
      if (++documents == 2) d.second = mark(e->start_mark);
    } else if (e->type == YAML_DOCUMENT_END_EVENT) {
      first_done = first_done || documents == 1;
    } else if (documents == 1 && !builder.add(*e)) {
      d.error = builder.error;
      break;
    }
  }
  if (first_done && builder.root) d.root = Node(d.tree.get(), *builder.root);
  return d;
}

}  // namespace xs::mapping::yaml
