// Refuses to run on a CPU that the loaded llama.cpp CPU backend was not built for (issue 12).
#pragma once

#include <filesystem>

#include "biomedq/result.h"

namespace biomedq {

// The file of the llama.cpp CPU backend library this process loaded (empty if it cannot be found).
std::filesystem::path loaded_llama_cpu_library();

// Checks this CPU against the extensions scripts/build-llama.sh recorded beside the loaded library
// (<build>/biomedq-cpu-features.txt next to <build>/bin/). The loaded library, not the one present
// at build time, decides: a binary run with another llama.cpp (LD_LIBRARY_PATH, a GPU machine's
// rebuild) is checked against that one. Success when no record exists (a llama.cpp prepared
// elsewhere). Runs no llama.cpp code: it only locates the library.
Status check_cpu_runs_llama_backend();

}  // namespace biomedq
