// biomedq info: what a GGUF is (from metadata only) and how much memory it needs for a context.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "biomedq/engine.h"
#include "biomedq/memory_simulation.h"
#include "biomedq/openai_backend.h"
#include "biomedq/quant.h"
#include "biomedq/report.h"  // parse_byte_size
#include "cli/command.h"
#include "core/did_you_mean.h"
#include "runner/catalog_memory.h"

namespace biomedq::cli {

namespace {

struct InfoArgs {
    std::string model;
    uint32_t ctx_per_sequence = 4096;
    uint32_t parallel = 1;
    int gpu_layers = -1;  // all, as eval, generate and the rest (one convention; README)
    bool no_flash_attn = false;
    std::string kv_type = "f16";
    std::string prefix_reuse = "off";
    std::vector<std::string> rpc;
    bool allow_remote = false;
    bool estimate = false;
    bool fit = false;
    std::string gpu_memory;
    bool json = false;
};

double mib(uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

// The memory answer: llama.cpp's own no-alloc simulation, or the formula where none can run.
struct MemoryAnswer {
    MemoryEstimate e;
    std::optional<MemorySimulation> simulation;
    std::string estimate_reason;  // why the formula answered (empty for a simulation)
};

nlohmann::json simulation_json(const MemorySimulation& sim) {
    nlohmann::json buffers = nlohmann::json::array();
    for (const auto& b : sim.buffers) {
        buffers.push_back({{"buffer_type", b.buffer_type},
                           {"device", b.device},
                           {"host", b.host},
                           {"bytes_weights", b.bytes_weights},
                           {"bytes_kv", b.bytes_kv},
                           {"bytes_compute", b.bytes_compute}});
    }
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& d : sim.devices) {
        devices.push_back({{"name", d.name},
                           {"description", d.description},
                           {"host", d.host},
                           {"bytes_weights", d.bytes_weights},
                           {"bytes_kv", d.bytes_kv},
                           {"bytes_compute", d.bytes_compute},
                           {"bytes_output", d.bytes_output},
                           {"bytes_buffers", d.bytes_buffers()},
                           {"bytes_runtime_overhead", d.bytes_runtime_overhead},
                           {"bytes_run_growth", d.bytes_run_growth},
                           {"bytes_free", d.bytes_free},
                           {"bytes_total", d.bytes_total}});
    }
    return {{"buffers", buffers},
            {"devices", devices},
            {"t_simulate_ms", sim.t_simulate_ms},
            {"bytes_gpu_with_overhead", sim.bytes_gpu_with_overhead()}};
}

void print_simulation(const MemorySimulation& sim) {
    std::printf("  %-22s %-24s %12s %12s %12s\n", "buffer type", "device", "weights MiB", "KV MiB",
                "compute MiB");
    for (const auto& b : sim.buffers) {
        std::printf("  %-22s %-24s %12.2f %12.2f %12.2f\n", b.buffer_type.c_str(), b.device.c_str(),
                    mib(b.bytes_weights), mib(b.bytes_kv), mib(b.bytes_compute));
    }
    std::printf("  %-22s %-24s %12s %12s %12s  (logits %.2f MiB)\n", "output", "CPU", "", "", "",
                mib(sim.totals.bytes_output));
    std::printf("  per device:\n");
    for (const auto& d : sim.devices) {
        std::printf("  %-22s %10.2f MiB", d.name.c_str(), mib(d.bytes_buffers()));
        if (!d.host && d.bytes_overhead() > 0) {
            std::printf(
                " + %.2f MiB runtime overhead (in use on the device before loading: CUDA "
                "context and other processes)",
                mib(d.bytes_runtime_overhead));
            if (d.bytes_run_growth > 0) {
                std::printf(
                    " + %.2f MiB run growth (scratch pool, library workspaces: measured by the "
                    "last "
                    "eval on this device model)",
                    mib(d.bytes_run_growth));
            }
            std::printf(" = %.2f MiB", mib(d.bytes_buffers() + d.bytes_overhead()));
        }
        if (d.bytes_total > 0) std::printf(" of %.2f MiB", mib(d.bytes_total));
        std::printf("%s%s\n", d.description.empty() ? "" : "  ", d.description.c_str());
    }
}

// `--fit --gpu-memory B`: the largest context, parallel count and GPU layers within B.
Status run_fit(const InfoArgs& args, const ModelInfo& m, const MemoryRequest& request) {
    if (args.gpu_memory.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "--fit needs --gpu-memory, e.g. 24GiB");
    }
    BIOMEDQ_ASSIGN(const std::uint64_t budget, parse_byte_size(args.gpu_memory, "--gpu-memory"));
    const uint32_t ctx_limit = m.n_ctx_train ? m.n_ctx_train : 131072;
    BIOMEDQ_ASSIGN(const MemoryFit fit,
                   fit_memory(args.model, request, budget, ctx_limit, args.rpc));
    const std::string basis =
        fit.device_simulated
            ? "GPU/RPC buffers + runtime overhead, simulated by llama.cpp on this host's devices"
            : "no GPU on this host: every buffer, as if all of it were offloaded (llama.cpp's "
              "CPU sizes; a GPU's compute buffer and runtime overhead differ)";
    if (args.json) {
        nlohmann::json j = {{"path", m.path.string()},
                            {"bytes_budget", budget},
                            {"basis", basis},
                            {"device_simulated", fit.device_simulated},
                            {"ctx_per_seq", args.ctx_per_sequence},
                            {"n_parallel", args.parallel},
                            {"n_gpu_layers", args.gpu_layers},
                            {"fits", fit.fits},
                            {"bytes_at_request", fit.bytes_at_request},
                            {"max_ctx_per_seq", fit.max_ctx_per_seq},
                            {"ctx_limit", ctx_limit},
                            {"max_parallel", fit.max_parallel},
                            {"max_gpu_layers", fit.max_gpu_layers},
                            {"n_simulations", fit.n_simulations},
                            {"t_fit_ms", fit.t_fit_ms}};
        std::printf("%s\n", j.dump(2).c_str());
        return Status::success();
    }
    std::printf("fit into %.2f MiB (%s)\n", mib(budget), basis.c_str());
    std::printf("  requested       %u sequence(s) x %u tokens, %d GPU layer(s): %.2f MiB, %s\n",
                args.parallel, args.ctx_per_sequence, args.gpu_layers, mib(fit.bytes_at_request),
                fit.fits ? "fits" : "does NOT fit");
    std::printf("  largest context %u tokens per sequence at %u sequence(s) (trained: %u)\n",
                fit.max_ctx_per_seq, args.parallel, ctx_limit);
    std::printf("  most sequences  %u at %u tokens each\n", fit.max_parallel,
                args.ctx_per_sequence);
    if (fit.device_simulated && !fit.fits) {
        std::printf("  GPU layers      %d at the requested context\n", fit.max_gpu_layers);
    }
    std::printf("  (%d llama.cpp simulations, %.0f ms)\n", fit.n_simulations, fit.t_fit_ms);
    return Status::success();
}

Status check_info_args(const InfoArgs& args) {
    if (args.ctx_per_sequence == 0 || args.parallel == 0) {
        return make_error(ErrorCode::kInvalidArgument, "--ctx and --parallel must be > 0");
    }
    BIOMEDQ_TRY(check_kv_cache_type(args.kv_type, "--kv-type"));
    if (args.no_flash_attn && args.kv_type != "f16" && args.kv_type != "bf16") {
        return make_error(ErrorCode::kInvalidArgument,
                          "--kv-type " + args.kv_type +
                              ": llama.cpp needs flash attention for a quantized KV cache; "
                              "drop --no-flash-attn or use f16");
    }
    // llama.cpp's RPC protocol is unauthenticated: the same network policy as `eval --rpc`.
    for (const auto& server : args.rpc) {
        BIOMEDQ_ASSIGN(auto hp, parse_host_port(server));
        BIOMEDQ_TRY(check_private_host(hp.host, args.allow_remote, "--rpc " + server));
    }
    return Status::success();
}

MemoryRequest memory_request(const InfoArgs& args) {
    MemoryRequest request;
    request.ctx_per_seq = args.ctx_per_sequence;
    request.n_parallel = args.parallel;
    request.n_gpu_layers = args.gpu_layers;
    request.flash_attn = !args.no_flash_attn;
    request.kv_type = args.kv_type;
    request.prefix_stream = args.prefix_reuse == "on";
    return request;
}

Result<MemoryAnswer> answer_memory(const InfoArgs& args, const ModelInfo& m,
                                   const MemoryRequest& request) {
    MemoryAnswer answer;
    if (args.estimate) {
        answer.estimate_reason = "--estimate";
    } else {
        auto sim = simulate_memory(args.model, request, args.rpc);
        if (sim.ok()) {
            answer.e = sim->totals;
            answer.simulation = std::move(sim).value();
        } else if (!args.rpc.empty() || sim.error().code == ErrorCode::kResource) {
            // A device the user named, or a context llama.cpp refuses: the formula would hide it.
            return sim.error();
        } else {
            answer.estimate_reason = "llama.cpp could not simulate: " + sim.error().message;
        }
    }
    if (!answer.simulation) answer.e = estimate_memory(m, request);
    return answer;
}

std::string memory_source(const MemoryAnswer& answer) {
    return answer.simulation ? "llama.cpp no-alloc simulation on this host"
                             : "estimate (formula from GGUF metadata)";
}

void print_info_json(const InfoArgs& args, const ModelInfo& m, const MemoryRequest& request,
                     const MemoryAnswer& answer) {
    const MemoryEstimate& e = answer.e;
    const std::string source = memory_source(answer);
    nlohmann::json j = {
        {"path", m.path.string()},
        {"arch", m.arch},
        {"name", m.name},
        {"n_params", m.n_params},
        {"bytes_file", m.bytes_file},
        {"bytes_tensors", m.bytes_tensors},
        {"bits_per_weight", m.bits_per_weight},
        {"file_type", m.file_type ? nlohmann::json(*m.file_type) : nlohmann::json(nullptr)},
        {"file_type_name", m.file_type_name},
        {"dominant_tensor_type", m.dominant_tensor_type},
        {"n_params_by_type", m.n_params_by_type},
        {"has_chat_template", m.has_chat_template},
        {"n_vocab", m.n_vocab},
        {"n_ctx_train", m.n_ctx_train},
        {"n_layer", m.n_layer},
        {"n_embd", m.n_embd},
        {"n_ff", m.n_ff},
        {"n_head", m.n_head},
        {"n_head_kv", m.n_head_kv},
        {"head_dim_k", m.head_dim_k},
        {"head_dim_v", m.head_dim_v},
        {"tied_embeddings", m.tied_embeddings},
        {"memory",
         {{"source", answer.simulation ? "simulation" : "estimate"},
          {"source_detail", source},
          {"ctx_per_seq", args.ctx_per_sequence},
          {"n_parallel", args.parallel},
          {"n_gpu_layers", args.gpu_layers},
          {"flash_attn", request.flash_attn},
          {"kv_type", args.kv_type},
          {"bytes_gpu", e.bytes_gpu()},
          {"bytes_total", e.bytes_total()}}}};
    j["memory"].update(runner::to_json(e));
    if (answer.simulation) {
        j["memory"].update(simulation_json(*answer.simulation));
    } else {
        j["memory"]["estimate_reason"] = answer.estimate_reason;
    }
    std::printf("%s\n", j.dump(2).c_str());
}

void print_model_text(const ModelInfo& m) {
    std::printf("file            %s (%.2f MiB)\n", m.path.c_str(), mib(m.bytes_file));
    std::printf("architecture    %s\n", m.arch.c_str());
    std::printf("name            %s\n", m.name.empty() ? "(none)" : m.name.c_str());
    std::printf("parameters      %llu (%.3f B)\n", static_cast<unsigned long long>(m.n_params),
                static_cast<double>(m.n_params) / 1e9);
    std::printf("quantization    %s (most weights: %s), %.3f bits per weight\n",
                m.file_type_name.c_str(), m.dominant_tensor_type.c_str(), m.bits_per_weight);
    std::printf("chat template   %s\n", m.has_chat_template ? "present" : "absent");
    std::printf("context train   %u\n", m.n_ctx_train);
    std::printf(
        "layers          %u, n_embd %u, n_ff %u, heads %u, kv heads %u, head dim %u, "
        "vocab %u%s\n",
        m.n_layer, m.n_embd, m.n_ff, m.n_head, m.n_head_kv, m.head_dim_k, m.n_vocab,
        m.tied_embeddings ? ", tied embeddings" : "");
}

void print_memory_text(const InfoArgs& args, const MemoryRequest& request,
                       const MemoryAnswer& answer) {
    const MemoryEstimate& e = answer.e;
    const std::string source = memory_source(answer);
    std::printf(
        "\nmemory for %u sequence(s)%s x %u tokens (llama.cpp n_ctx %u, %u per sequence), "
        "%s, flash attention %s:\n",
        args.parallel, request.prefix_stream ? " + 1 for prefix reuse" : "", args.ctx_per_sequence,
        e.n_ctx_total, e.n_ctx_seq,
        args.gpu_layers < 0 ? "all layers on the GPU"
                            : (std::to_string(args.gpu_layers) + " GPU layer(s)").c_str(),
        request.flash_attn ? "auto" : "off");
    if (answer.simulation) {
        std::printf("  source: %s (%.0f ms, no weights read)\n", source.c_str(),
                    answer.simulation->t_simulate_ms);
    } else {
        std::printf("  source: %s -- ESTIMATE, %s\n", source.c_str(),
                    answer.estimate_reason.c_str());
    }
    std::printf("  weights GPU   %10.2f MiB\n", mib(e.bytes_weights_gpu));
    std::printf("  weights host  %10.2f MiB\n", mib(e.bytes_weights_host));
    std::printf("  KV cache      %10.2f MiB (GPU %.2f MiB), %s\n", mib(e.bytes_kv),
                mib(e.bytes_kv_gpu), args.kv_type.c_str());
    std::printf("  compute       %10.2f MiB (+ host %.2f MiB)\n", mib(e.bytes_compute),
                mib(e.bytes_compute_host));
    std::printf("  output        %10.2f MiB\n", mib(e.bytes_output));
    std::printf("  total         %10.2f MiB (GPU %.2f MiB)\n", mib(e.bytes_total()),
                mib(e.bytes_gpu()));
    if (answer.simulation) {
        const uint64_t overhead = answer.simulation->bytes_gpu_with_overhead() - e.bytes_gpu();
        if (overhead > 0) {
            std::printf("  GPU with runtime overhead %.2f MiB (measured, see per device)\n",
                        mib(answer.simulation->bytes_gpu_with_overhead()));
        }
        print_simulation(*answer.simulation);
    }
}

Status run_info(const InfoArgs& args) {
    BIOMEDQ_TRY(check_info_args(args));
    BIOMEDQ_ASSIGN(const ModelInfo info, read_model_info(args.model));
    const MemoryRequest request = memory_request(args);
    if (args.fit) return run_fit(args, info, request);
    BIOMEDQ_ASSIGN(const MemoryAnswer answer, answer_memory(args, info, request));
    if (args.json) {
        print_info_json(args, info, request, answer);
    } else {
        print_model_text(info);
        print_memory_text(args, request, answer);
    }
    return Status::success();
}

}  // namespace

void add_info_command(CLI::App& app, CommandRun& chosen) {
    auto [cmd, args] =
        add_command<InfoArgs>(app, chosen, "info",
                              "Show a GGUF's metadata and the memory a context needs, "
                              "sized by llama.cpp without loading weights",
                              run_info);
    cmd->add_option("model", args->model, "GGUF file; -m/--model FILE works too")->required();
    cmd->add_option("--ctx", args->ctx_per_sequence,
                    "Tokens per sequence; biomedq creates contexts with n_ctx = ctx * parallel")
        ->capture_default_str();
    cmd->add_option("--parallel", args->parallel, "Sequences decoded together")
        ->capture_default_str();
    cmd->add_option(
           "--gpu-layers", args->gpu_layers,
           "llama.cpp n_gpu_layers, also -ngl (the output head counts as the last layer; -1 = all)")
        ->capture_default_str();
    cmd->add_flag("--no-flash-attn", args->no_flash_attn, "Estimate without flash attention");
    cmd->add_option("--kv-type", args->kv_type,
                    "KV cache type: " + join_names(kv_cache_type_names()))
        ->capture_default_str();
    cmd->add_option("--prefix-reuse", args->prefix_reuse,
                    "on: count the one more sequence of --ctx tokens that eval's prefix reuse "
                    "(on by default there) keeps for shared prompt prefixes")
        ->check(CLI::IsMember({"on", "off"}))
        ->capture_default_str();
    cmd->add_option(
           "--rpc", args->rpc,
           "Comma-separated host:port of llama.cpp rpc-server instances the layers would be "
           "offloaded to (as eval --rpc)")
        ->delimiter(',');
    cmd->add_flag("--allow-remote", args->allow_remote,
                  "Allow RPC servers outside loopback and private networks");
    cmd->add_flag("--estimate", args->estimate,
                  "Answer with the formula from GGUF metadata instead of asking llama.cpp");
    cmd->add_flag(
        "--fit", args->fit,
        "Find the largest context, parallel count and GPU layers within --gpu-memory (llama.cpp "
        "simulates each candidate)");
    cmd->add_option("--gpu-memory", args->gpu_memory, "Memory budget for --fit, e.g. 24GiB");
    cmd->add_flag("--json", args->json, "Print as JSON");
}

}  // namespace biomedq::cli
