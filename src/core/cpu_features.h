// Whether this CPU can run the llama.cpp CPU backend biomedq was built with. That backend is
// compiled with -march=native on the build machine (scripts/build-llama.sh), so a binary copied or
// installed onto an older CPU would die with an illegal instruction in the middle of a run; biomedq
// refuses at startup instead, naming what is missing.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biomedq/result.h"

namespace biomedq {

// Whether this CPU and its OS support an instruction-set extension, by the names GCC's
// -march=native macros give them, lower-cased (`avx2`, `avx512vnni`, `sse4.2`, `amx.tile`). AVX and
// AVX-512 also need the OS to save their registers (XCR0). nullopt for a name this check does not
// know, and on non-x86 hosts.
std::optional<bool> cpu_supports(std::string_view feature);

// The features of the space-separated `required` list that `supports` says are absent. Unknown
// names (supports returns nullopt) are not counted as missing: they cannot be checked.
using FeatureProbe = std::function<std::optional<bool>(std::string_view)>;
std::vector<std::string> missing_cpu_features(std::string_view required,
                                              const FeatureProbe& supports);

// kUnsupported naming the missing features when this CPU lacks one of `required` (space-separated,
// as scripts/build-llama.sh records them beside the library it built). BIOMEDQ_TEST_CPU_LACKS
// (space-separated names) makes the check treat those as absent, so tests exercise the refusal
// anywhere.
Status check_cpu_has(std::string_view required, const std::string& what_needs_them);

}  // namespace biomedq
