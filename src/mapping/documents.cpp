#include "mapping/documents.h"

#include <yaml-cpp/eventhandler.h>

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

// A "---" or "..." line: the only way a block-map document is followed by another.
bool has_document_marker(const std::string& text) {
  for (size_t pos = 0; pos < text.size(); pos = text.find('\n', pos) + 1) {
    if (text.compare(pos, 3, "---") == 0 || text.compare(pos, 3, "...") == 0) return true;
    if (text.find('\n', pos) == std::string::npos) break;
  }
  return false;
}

}  // namespace

Documents load_documents(const std::string& text) {
  Documents docs;
  docs.root = YAML::Load(text);  // one document: cannot loop
  // A block map ends only at a document marker, or with a syntax error; anything else may be
  // followed by more documents or by a stuck token, so walk the rest with a guard.
  const bool block_map =
      docs.root.IsMap() && docs.root.Style() != YAML::EmitterStyle::Flow;
  if (block_map && !has_document_marker(text)) return docs;
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
