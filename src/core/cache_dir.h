// Where biomedq keeps what it may recompute (llama.cpp builds, measured device overheads, catalog
// simulations): $BIOMEDQ_CACHE, else $XDG_CACHE_HOME/biomedq, else $HOME/.cache/biomedq -- the same
// rule as scripts/build-llama.sh, so one folder holds all of it.
#pragma once

#include <filesystem>

namespace biomedq {

// The folder (not created); "./.biomedq-cache" when no variable names a home.
std::filesystem::path biomedq_cache_dir();

}  // namespace biomedq
