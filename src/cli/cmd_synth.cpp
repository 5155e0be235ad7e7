// biomedq synth: a GGUF with a real tokenizer and random weights, for tests and benchmarks.
#include <array>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include "biomedq/quant.h"
#include "cli/command.h"
#include "quant/remove_on_signal.h"

namespace biomedq::cli {

namespace {

// The shape's dimensions a flag can override: each flag, what it overrides, and where.
struct DimensionOverride {
    const char* flag;
    const char* what;
    uint32_t ModelShape::*field;
};
constexpr DimensionOverride kDimensionOverrides[] = {
    {"--n-layer", "the number of layers", &ModelShape::n_layer},
    {"--n-embd", "the embedding width", &ModelShape::n_embd},
    {"--n-ff", "the feed-forward width", &ModelShape::n_ff},
    {"--n-head", "the number of attention heads", &ModelShape::n_head},
    {"--n-head-kv", "the number of KV heads", &ModelShape::n_head_kv},
    {"--ctx-train", "the training context length", &ModelShape::n_ctx_train},
};
constexpr std::size_t kNumDimensionOverrides = std::size(kDimensionOverrides);

struct SynthArgs {
    std::string shape = "tiny";
    std::string vocab;
    std::string type = "f16";
    std::string out;
    uint64_t seed = 42;
    int threads = 0;
    bool zero_weights = false;
    bool force = false;
    // Overrides of the shape's dimensions (unset = the shape's value).
    std::optional<std::string> arch;
    std::array<std::optional<uint32_t>, kNumDimensionOverrides>
        dimensions;  // in kDimensionOverrides' order
    std::optional<float> rope_theta;
    std::optional<bool> tied;
};

Status run_synth(const SynthArgs& args) {
    std::error_code ec;
    if (!args.force && std::filesystem::exists(std::filesystem::symlink_status(args.out, ec))) {
        return make_error(ErrorCode::kConflict,
                          args.out + ": already exists; pass --force to overwrite it");
    }
    SynthOptions options;
    BIOMEDQ_ASSIGN(options.shape, find_model_shape(args.shape));
    ModelShape& s = options.shape;
    if (args.arch) s.arch = *args.arch;
    for (std::size_t i = 0; i < kNumDimensionOverrides; ++i) {
        if (args.dimensions[i]) s.*kDimensionOverrides[i].field = *args.dimensions[i];
    }
    if (args.rope_theta) s.rope_theta = *args.rope_theta;
    if (args.tied) s.tied_embeddings = *args.tied;
    options.vocab_path = args.vocab;
    options.type = args.type;
    options.seed = args.seed;
    options.n_threads = args.threads;
    options.zero_weights = args.zero_weights;
    const auto t_start = std::chrono::steady_clock::now();
    options.on_progress = [t_start](uint64_t done, uint64_t total) {
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
        const double fraction =
            total ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
        const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
        std::fprintf(stderr, "synth: %.0f%% of %.2fB weights, %.0f s elapsed, ETA %.0f s\n",
                     100.0 * fraction, static_cast<double>(total) / 1e9, elapsed, eta);
    };
    install_remove_on_signal_handler();
    BIOMEDQ_ASSIGN(const SynthReport report, synthesize_model(options, args.out));
    std::printf("wrote %s: %s, %s%s, %llu weights, %u-token vocab, %.1f MiB in %.2f s\n",
                report.path.c_str(), s.id.c_str(), args.type.c_str(),
                args.zero_weights ? " (zero weights, sparse file)" : "",
                static_cast<unsigned long long>(report.n_params), report.n_vocab,
                static_cast<double>(report.bytes_file) / (1024.0 * 1024.0),
                report.t_total_ms / 1000.0);
    return Status::success();
}

std::string type_help() {
    std::string quantized;
    for (const QuantType& t : quant_types()) {
        if (t.needs_imatrix || t.name == "f32" || t.name == "f16" || t.name == "bf16") continue;
        quantized += (quantized.empty() ? "" : ", ") + t.name;
    }
    const std::string intro =
        "Weight type: f16, bf16, f32, or a quantization type written directly, no F16 copy (";
    return intro + quantized +
           "); each tensor gets the type llama-quantize would give it, taken from a llama.cpp dry "
           "run. Types that need an importance matrix are refused";
}

}  // namespace

void add_synth_command(CLI::App& app, CommandRun& chosen) {
    auto [cmd, args] = add_command<SynthArgs>(
        app, chosen, "synth",
        "Write a GGUF with a real tokenizer (copied from a vocab GGUF) and random weights",
        run_synth);
    cmd->add_option("--shape", args->shape,
                    "Model shape: tiny, small, llama-3-8b, llama-3-70b, mistral-7b, qwen2.5-7b, or "
                    "any catalog entry (llama, qwen2, gemma2, phi3)")
        ->capture_default_str();
    cmd->add_option(
           "--vocab", args->vocab,
           "Vocab GGUF whose tokenizer.* keys are copied (llama.cpp models/ggml-vocab-*.gguf); "
           "the shape's own one is padded to its published vocabulary size")
        ->required();
    cmd->add_option("--type", args->type, type_help())->capture_default_str();
    cmd->add_option("-o,--output", args->out, "Output GGUF path")->required();
    cmd->add_flag("--force", args->force,
                  "Overwrite the output file if it exists (refused otherwise)");
    cmd->add_option("--seed", args->seed, "Random seed")->capture_default_str();
    cmd->add_option("--threads", args->threads,
                    "Worker threads (0: every CPU this process may use; BIOMEDQ_THREADS overrides)")
        ->capture_default_str();
    cmd->add_flag(
        "--zero-weights", args->zero_weights,
        "All weights zero, written as a sparse file (no disk space, no time): same memory and "
        "arithmetic as random weights, for memory/speed work only (every output is the same)");
    cmd->add_option("--arch", args->arch,
                    "Override the architecture (llama, qwen2, gemma2 or phi3)");
    for (std::size_t i = 0; i < kNumDimensionOverrides; ++i) {
        cmd->add_option(kDimensionOverrides[i].flag, args->dimensions[i],
                        std::string("Override ") + kDimensionOverrides[i].what);
    }
    cmd->add_option("--rope-theta", args->rope_theta, "Override the RoPE base frequency");
    cmd->add_option("--tied", args->tied, "Override tied embeddings (true: no output.weight)");
}

}  // namespace biomedq::cli
