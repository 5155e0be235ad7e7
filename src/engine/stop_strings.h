// Stop-string handling during streaming generation.
#pragma once

#include <string>
#include <vector>

namespace biomedq::engine {

// Position of the earliest stop string in `text` whose occurrence ends at or after `search_from`
// (only new text needs checking), or std::string::npos.
std::size_t find_stop(const std::string& text, const std::vector<std::string>& stops,
                      std::size_t new_text_begin);

}  // namespace biomedq::engine
