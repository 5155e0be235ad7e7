// biomedq info: what a GGUF is (from metadata only) and how much memory it needs for a context.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

#include "biomedq/engine.h"
#include "biomedq/quant.h"
#include "cli/command.h"
#include "core/did_you_mean.h"

namespace biomedq::cli {

namespace {

struct InfoArgs {
    std::string model;
    uint32_t ctx = 4096;
    uint32_t parallel = 1;
    int gpu_layers = 0;
    bool no_flash_attn = false;
    std::string kv_type = "f16";
    bool json = false;
};

double mib(uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

int run_info(const InfoArgs& args) {
    if (args.ctx == 0 || args.parallel == 0) {
        return report_error(
            make_error(ErrorCode::kInvalidArgument, "--ctx and --parallel must be > 0"));
    }
    if (auto kv = check_kv_cache_type(args.kv_type, "--kv-type"); !kv.ok()) return report_error(kv.error());
    if (args.no_flash_attn && args.kv_type != "f16" && args.kv_type != "bf16") {
        return report_error(make_error(ErrorCode::kInvalidArgument,
                                       "--kv-type " + args.kv_type +
                                           ": llama.cpp needs flash attention for a quantized KV cache; "
                                           "drop --no-flash-attn or use f16"));
    }
    auto info = read_model_info(args.model);
    if (!info.ok()) return report_error(info.error());
    MemoryRequest request;
    request.ctx_per_seq = args.ctx;
    request.n_parallel = args.parallel;
    request.n_gpu_layers = args.gpu_layers;
    request.flash_attn = !args.no_flash_attn;
    request.kv_type = args.kv_type;
    const MemoryEstimate e = estimate_memory(*info, request);
    const ModelInfo& m = *info;

    if (args.json) {
        nlohmann::json j = {
            {"path", m.path.string()}, {"arch", m.arch}, {"name", m.name},
            {"n_params", m.n_params}, {"bytes_file", m.bytes_file},
            {"bytes_tensors", m.bytes_tensors}, {"bits_per_weight", m.bits_per_weight},
            {"file_type", m.file_type ? nlohmann::json(*m.file_type) : nlohmann::json(nullptr)},
            {"file_type_name", m.file_type_name}, {"dominant_tensor_type", m.dominant_tensor_type},
            {"n_params_by_type", m.n_params_by_type}, {"has_chat_template", m.has_chat_template},
            {"n_vocab", m.n_vocab}, {"n_ctx_train", m.n_ctx_train}, {"n_layer", m.n_layer},
            {"n_embd", m.n_embd}, {"n_ff", m.n_ff}, {"n_head", m.n_head},
            {"n_head_kv", m.n_head_kv}, {"head_dim_k", m.head_dim_k},
            {"head_dim_v", m.head_dim_v}, {"tied_embeddings", m.tied_embeddings},
            {"memory",
             {{"ctx_per_seq", args.ctx}, {"n_parallel", args.parallel},
              {"n_gpu_layers", args.gpu_layers}, {"flash_attn", request.flash_attn},
              {"kv_type", args.kv_type},
              {"n_ctx_total", e.n_ctx_total}, {"n_ctx_seq", e.n_ctx_seq},
              {"bytes_weights_gpu", e.bytes_weights_gpu},
              {"bytes_weights_host", e.bytes_weights_host}, {"bytes_kv", e.bytes_kv},
              {"bytes_kv_gpu", e.bytes_kv_gpu}, {"bytes_compute", e.bytes_compute},
              {"bytes_compute_host", e.bytes_compute_host}, {"bytes_output", e.bytes_output},
              {"bytes_gpu", e.bytes_gpu()}, {"bytes_total", e.bytes_total()}}}};
        std::printf("%s\n", j.dump(2).c_str());
        return 0;
    }
    std::printf("file            %s (%.2f MiB)\n", m.path.c_str(), mib(m.bytes_file));
    std::printf("architecture    %s\n", m.arch.c_str());
    std::printf("name            %s\n", m.name.empty() ? "(none)" : m.name.c_str());
    std::printf("parameters      %llu (%.3f B)\n", static_cast<unsigned long long>(m.n_params),
                static_cast<double>(m.n_params) / 1e9);
    std::printf("quantization    %s (most weights: %s), %.3f bits per weight\n",
                m.file_type_name.c_str(), m.dominant_tensor_type.c_str(), m.bits_per_weight);
    std::printf("chat template   %s\n", m.has_chat_template ? "present" : "absent");
    std::printf("context train   %u\n", m.n_ctx_train);
    std::printf("layers          %u, n_embd %u, n_ff %u, heads %u, kv heads %u, head dim %u, "
                "vocab %u%s\n",
                m.n_layer, m.n_embd, m.n_ff, m.n_head, m.n_head_kv, m.head_dim_k, m.n_vocab,
                m.tied_embeddings ? ", tied embeddings" : "");
    std::printf("\nmemory for %u sequence(s) x %u tokens (llama.cpp n_ctx %u, %u per sequence), "
                "%d GPU layer(s), flash attention %s:\n",
                args.parallel, args.ctx, e.n_ctx_total, e.n_ctx_seq, args.gpu_layers,
                request.flash_attn ? "on" : "off");
    std::printf("  weights GPU   %10.2f MiB\n", mib(e.bytes_weights_gpu));
    std::printf("  weights host  %10.2f MiB\n", mib(e.bytes_weights_host));
    std::printf("  KV cache      %10.2f MiB (GPU %.2f MiB), %s\n", mib(e.bytes_kv), mib(e.bytes_kv_gpu),
                args.kv_type.c_str());
    std::printf("  compute       %10.2f MiB (+ host %.2f MiB)\n", mib(e.bytes_compute),
                mib(e.bytes_compute_host));
    std::printf("  output        %10.2f MiB\n", mib(e.bytes_output));
    std::printf("  total         %10.2f MiB (GPU %.2f MiB)\n", mib(e.bytes_total()),
                mib(e.bytes_gpu()));
    return 0;
}

}  // namespace

void add_info_command(CLI::App& app, CommandRun& chosen) {
    auto args = std::make_shared<InfoArgs>();
    CLI::App* cmd = app.add_subcommand(
        "info", "Show a GGUF's metadata (no weights loaded) and the memory a context needs");
    cmd->add_option("model", args->model, "GGUF file")->required();
    cmd->add_option("--ctx", args->ctx,
                    "Tokens per sequence; biomedq creates contexts with n_ctx = ctx * parallel")
        ->capture_default_str();
    cmd->add_option("--parallel", args->parallel, "Sequences decoded together")
        ->capture_default_str();
    cmd->add_option("--gpu-layers", args->gpu_layers,
                    "llama.cpp n_gpu_layers (the output head counts as the last layer; -1 = all)")
        ->capture_default_str();
    cmd->add_flag("--no-flash-attn", args->no_flash_attn, "Estimate without flash attention");
    cmd->add_option("--kv-type", args->kv_type, "KV cache type: " + join_names(kv_cache_type_names()))
        ->capture_default_str();
    cmd->add_flag("--json", args->json, "Print as JSON");
    cmd->callback([args, &chosen] { chosen = [args] { return run_info(*args); }; });
}

}  // namespace biomedq::cli
