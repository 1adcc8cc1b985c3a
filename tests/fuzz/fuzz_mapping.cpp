// libFuzzer target over the mapping loader (scripts/fuzz.sh builds and runs it).
// The input is one mapping file, or two (merged) when it holds a NUL byte: the text before
// the first NUL is a.yaml, the rest b.yaml. The loader promises to report every problem as a
// diagnostic and never to throw; the sanitizers catch memory errors and undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "mapping/load.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<xs::MappingSource> sources;
  const std::size_t nul = input.find('\0');
  if (nul == std::string::npos) {
    sources.push_back({"a.yaml", input});
  } else {
    sources.push_back({"a.yaml", input.substr(0, nul)});
    sources.push_back({"b.yaml", input.substr(nul + 1)});
  }
  xs::LoadResult result;
  try {
    result = xs::load_mapping_sources(sources);
  } catch (...) {
    std::abort();  // "none throws": an escaping exception is a bug
  }
  std::size_t length = 0;
  for (const auto& d : result.diagnostics) length += d.str().size();
  if (result.ok()) {
    for (const auto& n : result.desired.numbers) {
      if (n.phone_number.size() < 3 || n.phone_number[0] != '+' || n.label.empty()) std::abort();
      length += n.loc.str().size();
    }
  }
  return length == static_cast<std::size_t>(-1);  // keep the work observable
}
