#pragma once
// A compact, read-only YAML node tree built from libyaml's events (private to src/mapping;
// libyaml types never leave yaml_tree.cpp). Nodes (20 bytes, with their 0-based marks) and
// child lists grow in chunks, scalar texts share one arena; Node is a cheap handle offering
// the part of yaml-cpp's Node interface the mapping readers use.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xs::mapping::yaml {

// A place in the text, 0-based (line < 0: unknown). Columns count characters.
struct Mark {
  int line = -1;
  int column = -1;
};

struct NodeType {
  enum value { Undefined, Null, Scalar, Sequence, Map };
};

class Tree;

class Node {
 public:
  Node() = default;  // Null, like a default yaml-cpp node
  Node(const Tree* tree, uint32_t index) : tree_(tree), index_(index) {}

  NodeType::value Type() const;
  bool IsDefined() const { return true; }  // every handle names a node (a default one: Null)
  // Empty, or a plain untagged ~, null, Null or NULL (as yaml-cpp).
  bool IsNull() const { return Type() == NodeType::Null; }
  bool IsScalar() const { return Type() == NodeType::Scalar; }
  bool IsSequence() const { return Type() == NodeType::Sequence; }
  bool IsMap() const { return Type() == NodeType::Map; }

  // A scalar's text ("" for other nodes); text() is the same without a copy.
  std::string Scalar() const { return std::string(text()); }
  std::string_view text() const;
  // yaml-cpp's tag: "?" for a plain untagged scalar, "!" for other untagged nodes, else the
  // resolved tag ("tag:yaml.org,2002:str" for !!str).
  std::string Tag() const;
  // A plain scalar without a tag: the only kind the core schema reads as null, bool or number.
  bool plain() const;
  yaml::Mark Mark() const;

  // Items of a sequence, pairs of a map, else 0.
  size_t size() const;
  // A sequence's item i, a map's key or value i (i < size()).
  Node item(size_t i) const;
  Node key(size_t i) const;
  Node value(size_t i) const;

  // Range-for over a sequence's items (nothing for other nodes).
  class iterator {
   public:
    iterator(const Node* seq, size_t i) : seq_(seq), i_(i) {}
    Node operator*() const { return seq_->item(i_); }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const Node* seq_;
    size_t i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, IsSequence() ? size() : 0}; }

  // Same node of the same tree (aliases are the node they name).
  bool operator==(const Node& o) const { return tree_ == o.tree_ && index_ == o.index_; }
  uint32_t id() const { return index_; }

 private:
  uint32_t child(size_t i) const;

  const Tree* tree_ = nullptr;
  uint32_t index_ = 0;
};

// A syntax error, at its mark, in words close to yaml-cpp's where the tests pin them.
struct SyntaxError {
  yaml::Mark mark;
  std::string message;
};

// The first document of a text and what follows it.
struct Documents {
  std::unique_ptr<Tree> tree;        // owns every node
  Node root;                         // the first document (Null when none or unreadable)
  std::optional<yaml::Mark> second;  // where a second document starts, if any
  std::optional<SyntaxError> error;  // the first syntax error, if any
};

// Parses text (UTF-8, -16 or -32; invalid UTF-8 is read as U+FFFD, as yaml-cpp did). Never
// throws but std::bad_alloc; a syntax error inside the first document leaves root Null.
Documents parse_documents(const std::string& text);

// A vector grown in fixed chunks: no reallocation, so no moment holding two copies.
template <typename T>
class Chunked {
 public:
  const T& operator[](size_t i) const { return chunks_[i >> kShift][i & kMask]; }
  T& operator[](size_t i) { return chunks_[i >> kShift][i & kMask]; }
  size_t size() const { return size_; }
  void push_back(const T& v) {
    if ((size_ >> kShift) == chunks_.size()) chunks_.push_back(std::make_unique<T[]>(kMask + 1));
    (*this)[size_++] = v;
  }

 private:
  static constexpr size_t kShift = 12;
  static constexpr size_t kMask = (size_t{1} << kShift) - 1;
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

class Tree {
 public:
  struct Rec {
    uint32_t first = 0;  // scalar: arena offset; sequence/map: offset in kids
    uint32_t count = 0;  // scalar: length; sequence: items; map: 2 x pairs (key, value, ...)
    int32_t line = -1;
    int32_t column = -1;
    uint16_t tag = 0;  // index in tags (0: none)
    uint8_t type = NodeType::Undefined;
    uint8_t plain = 0;
  };

  Chunked<Rec> nodes;
  Chunked<uint32_t> kids;
  std::string arena;  // reserved at the text's size: scalars are rarely longer than written
  std::vector<std::string> tags{""};
};

inline NodeType::value Node::Type() const {
  return tree_ ? static_cast<NodeType::value>(tree_->nodes[index_].type) : NodeType::Null;
}

}  // namespace xs::mapping::yaml
