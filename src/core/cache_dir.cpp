#include "core/cache_dir.h"

#include <cstdlib>

namespace biomedq {

std::filesystem::path biomedq_cache_dir() {
    auto set = [](const char* name) -> const char* {
        const char* v = std::getenv(name);
        return v && *v ? v : nullptr;
    };
    if (const char* v = set("BIOMEDQ_CACHE")) return v;
    if (const char* v = set("XDG_CACHE_HOME")) return std::filesystem::path(v) / "biomedq";
    if (const char* v = set("HOME")) return std::filesystem::path(v) / ".cache" / "biomedq";
    return ".biomedq-cache";
}

}  // namespace biomedq
