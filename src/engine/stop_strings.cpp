#include "engine/stop_strings.h"

#include <algorithm>

namespace biomedq::engine {

std::size_t find_stop(const std::string& text, const std::vector<std::string>& stops,
                      std::size_t new_text_begin) {
    std::size_t best = std::string::npos;
    for (const auto& stop : stops) {
        if (stop.empty()) continue;
        // A stop string may straddle the previous text and the new piece.
        const std::size_t from =
            new_text_begin >= stop.size() - 1 ? new_text_begin - (stop.size() - 1) : 0;
        const std::size_t at = text.find(stop, from);
        if (at != std::string::npos) best = std::min(best, at);
    }
    return best;
}

}  // namespace biomedq::engine
