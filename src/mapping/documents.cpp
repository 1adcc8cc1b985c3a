#include "mapping/documents.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <sstream>

namespace xs::mapping {
namespace {

// Counts documents by their start; a document starting where the previous one did means the
// parser made no progress (the stuck token yaml-cpp's LoadAll would loop on).
class DocumentStarts : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> last;
  int count = 0;
  bool stuck = false;

  void OnDocumentStart(const YAML::Mark& mark) override {
    stuck = last && last->pos == mark.pos;
    if (!stuck) ++count;
    last = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// A "---" or "..." line after the first document began: the only way a block-map document is
// followed by another. The "---" that opens the file (after comments and directives) is not.
bool has_later_document_marker(const std::string& text) {
  bool content_seen = false;
  for (size_t pos = 0; pos < text.size();) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    const bool marker = text.compare(pos, 3, "---") == 0 || text.compare(pos, 3, "...") == 0;
    if (marker && content_seen) return true;
    const size_t first = text.find_first_not_of(" \t\r", pos);
    const bool blank = first >= end || text[first] == '#' || (text[pos] == '%' && !content_seen);
    content_seen = content_seen || marker || !blank;
    pos = end + 1;
  }
  return false;
}

}  // namespace

Documents load_documents(const std::string& text) {
  Documents docs;
  docs.root = YAML::Load(text);  // one document: cannot loop
  // A block map ends only at a document marker, or with a syntax error; anything else may be
  // followed by more documents or by a stuck token, so walk the rest with a guard.
  const bool block_map = docs.root.IsMap() && docs.root.Style() != YAML::EmitterStyle::Flow;
  if (block_map && !has_later_document_marker(text)) return docs;
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  while (parser.HandleNextDocument(starts)) {
    if (starts.stuck) {
      docs.stuck = starts.last;
      break;
    }
    if (starts.count == 2) docs.second = starts.last;
  }
  // The document before a stuck one started at the stuck token too: it was never a document.
  if (docs.stuck && docs.second && docs.second->pos == docs.stuck->pos) docs.second.reset();
  return docs;
}

}  // namespace xs::mapping
