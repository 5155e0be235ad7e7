// One CLI convention for every subcommand (issue 18 item 5), following llama.cpp and
// lm-evaluation-harness: -m/--model, -o/--output, -ngl/--gpu-layers, --tasks, --limit. Older
// spellings keep working as hidden aliases (rewritten before parsing), and usage errors get a "did
// you mean" and the documented exit code 2.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace biomedq::cli {

// argv with the hidden aliases rewritten to the documented spelling for the subcommand they follow:
// --out / --output-dir -> --output; -ngl -> --gpu-layers; -m -> --model; and for the subcommands
// that take the model file as their first positional (info, generate, quantize) "-m FILE" /
// "--model FILE"
// -> "FILE". Everything after "--" is left alone.
std::vector<std::string> normalized_arguments(int argc, char** argv);

// A hint for a usage error: for an unknown subcommand, `unknown subcommand "evl" (did you mean
// "eval"?)`; for an unknown option of a known subcommand, ` (did you mean "--model"?)` to append to
// CLI11's message; "" when nothing is close.
std::string usage_hint(const CLI::App& app, const std::vector<std::string>& args);

// Parse errors exit 2 (README "Exit codes"), help and --version exit 0.
inline constexpr int kUsageExitCode = 2;

}  // namespace biomedq::cli
