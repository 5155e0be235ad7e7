// biomedq quantize: one source GGUF into several llama.cpp quantization types.
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "biomedq/quant.h"
#include "cli/command.h"
#include "quant/remove_on_signal.h"

namespace biomedq::cli {

namespace {

struct QuantizeArgs {
    std::string src;
    std::string types;
    std::string out_dir;
    std::string imatrix;
    int threads = 0;
    bool json = false;
    bool force = false;
};

Status run_quantize(const QuantizeArgs& args) {
    // Everything checkable is checked before the first (slow) quantization starts.
    BIOMEDQ_ASSIGN(const auto types, parse_quant_type_list(args.types));
    if (args.imatrix.empty()) {
        for (const auto& type : types) {
            if (type.needs_imatrix) {
                return make_error(ErrorCode::kInvalidArgument,
                                  "quantization type " + type.name +
                                      " needs an importance matrix: pass --imatrix FILE (made by "
                                      "llama-imatrix)");
            }
        }
    }
    BIOMEDQ_TRY(check_gguf_file(args.src));
    // A quantized model is minutes of work and often the only copy: never replaced by accident.
    if (!args.force) {
        for (const auto& type : types) {
            const auto out = quantized_output_path(args.src, args.out_dir, type);
            std::error_code exists_ec;
            if (std::filesystem::exists(std::filesystem::symlink_status(out, exists_ec))) {
                return make_error(ErrorCode::kConflict,
                                  out.string() + ": already exists; pass --force to overwrite it");
            }
        }
    }
    std::error_code ec;
    std::filesystem::create_directories(args.out_dir, ec);
    if (ec) {
        return make_error(ErrorCode::kIo,
                          args.out_dir + ": cannot create directory: " + ec.message());
    }

    QuantizeOptions options;
    if (!args.imatrix.empty()) options.imatrix_path = args.imatrix;
    options.n_threads = args.threads;
    install_remove_on_signal_handler();
    nlohmann::json results = nlohmann::json::array();
    if (!args.json)
        std::printf("%-8s %12s %8s %9s  %s\n", "type", "size_MiB", "bpw", "time_s", "file");
    for (const auto& type : types) {
        const auto out = quantized_output_path(args.src, args.out_dir, type);
        const auto t_start = std::chrono::steady_clock::now();
        // On stderr, like synth's: the table (or JSON) on stdout stays clean for scripts.
        options.on_progress = [&type, t_start](uint64_t done, uint64_t total, int n_tensors_done,
                                               int n_tensors) {
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
            const double fraction =
                total ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
            const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
            std::fprintf(stderr,
                         "quantize: %s: %.0f%% of %.2fB weights (%d/%d tensors), %.0f s elapsed, "
                         "ETA %.0f s\n",
                         type.name.c_str(), 100.0 * fraction, static_cast<double>(total) / 1e9,
                         n_tensors_done, n_tensors, elapsed, eta);
        };
        BIOMEDQ_ASSIGN(const QuantizeReport report, quantize_model(args.src, type, out, options));
        if (args.json) {
            results.push_back({{"type", report.type},
                               {"path", report.path.string()},
                               {"bytes_file", report.bytes_file},
                               {"bytes_tensors", report.bytes_tensors},
                               {"n_params", report.n_params},
                               {"bits_per_weight", report.bits_per_weight},
                               {"t_quantize_ms", report.t_quantize_ms}});
        } else {
            std::printf("%-8s %12.2f %8.3f %9.2f  %s\n", report.type.c_str(),
                        static_cast<double>(report.bytes_file) / (1024.0 * 1024.0),
                        report.bits_per_weight, report.t_quantize_ms / 1000.0, report.path.c_str());
            std::fflush(stdout);
        }
    }
    if (args.json) std::printf("%s\n", results.dump(2).c_str());
    return Status::success();
}

}  // namespace

void add_quantize_command(CLI::App& app, CommandRun& chosen) {
    auto [cmd, args] = add_command<QuantizeArgs>(
        app, chosen, "quantize", "Quantize a GGUF into several llama.cpp types", run_quantize);
    cmd->add_option("src", args->src, "Source GGUF (f16/bf16/f32); -m/--model FILE works too")
        ->required();
    cmd->add_option("--types", args->types,
                    "Comma-separated types, e.g. q8_0,q6_k,q5_k_m,q4_k_m,iq4_xs,q3_k_m,q2_k")
        ->required();
    cmd->add_option("-o,--output", args->out_dir,
                    "Output directory; files are named <stem>-<TYPE>.gguf")
        ->required();
    cmd->add_option(
        "--imatrix", args->imatrix,
        "Importance matrix (llama-imatrix output); required for iq1/iq2/iq3_xxs/iq3_xs/q2_k_s");
    cmd->add_option("--threads", args->threads,
                    "Threads (0: every CPU this process may use; BIOMEDQ_THREADS overrides)")
        ->capture_default_str();
    cmd->add_flag("--json", args->json, "Print the results as JSON");
    cmd->add_flag("--force", args->force,
                  "Overwrite output files that already exist (refused otherwise)");
}

}  // namespace biomedq::cli
