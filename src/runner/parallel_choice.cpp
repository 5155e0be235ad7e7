#include "runner/parallel_choice.h"

#include <fmt/format.h>

#include "biomedq/engine.h"
#include "biomedq/memory_simulation.h"
#include "core/file_io.h"
#include "core/whole_number.h"
#include "runner/batch_sizes.h"
#include "runner/config_field.h"
#include "runner/environment.h"

namespace biomedq::runner {

int largest_fitting_parallel(const std::function<std::uint64_t(int)>& bytes_for,
                             std::uint64_t budget_bytes, int max_parallel) {
    int best = 0;
    for (int p = 1; p <= max_parallel; p *= 2) {
        if (bytes_for(p) > budget_bytes) break;
        best = p;
    }
    return best;
}

int largest_fitting_parallel(const ModelInfo& model, const MemoryRequest& base,
                             std::uint64_t budget_bytes, bool gpu, int max_parallel) {
    return largest_fitting_parallel(
        [&](int p) {
            MemoryRequest r = base;
            r.n_parallel = static_cast<uint32_t>(p);
            const MemoryEstimate e = estimate_memory(model, r);
            return gpu ? e.bytes_gpu() : e.bytes_total();
        },
        budget_bytes, max_parallel);
}

namespace {

// GiB for models, MiB for a small model's per-sequence KV cache (0.00 GiB would say nothing).
std::string gib(std::uint64_t bytes) {
    if (bytes >= (std::uint64_t{1} << 30))
        return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / (1 << 30));
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
}

// --parallel N as given: a whole number from 1 to 256.
Result<ParallelChoice> requested_parallel(const std::string& s) {
    const auto p = whole_number<int>(s);
    if (!p || *p < 1 || *p > 256) {
        return make_error(ErrorCode::kInvalidArgument,
                          "--parallel " + s + ": expected a number from 1 to 256, or auto");
    }
    ParallelChoice choice;
    choice.requested = s;
    choice.parallel = *p;
    choice.method = "requested";
    choice.reason = fmt::format("--parallel {} as given", *p);
    return choice;
}

// Why auto chose what it chose, for config.json and the log.
std::string auto_reason(const ParallelChoice& c, int ctx, std::size_t n_pending, bool simulated) {
    const int p = c.parallel;
    const std::string limit =
        p == c.cap ? (c.cap < kMaxAutoParallel
                          ? fmt::format("; more would exceed the {} pending examples", n_pending)
                          : fmt::format("; {} is the most auto tries", kMaxAutoParallel))
                   : fmt::format("; {} would not fit", p * 2);
    return fmt::format(
        "the largest power of two whose memory fits {:.0f}% of the free {} memory ({} of {} free): "
        "{} "
        "sequence(s) of {} tokens need {} ({} of KV cache per sequence), sized by {}{}",
        100 * kMemoryHeadroom, c.device, gib(c.bytes_budget), gib(c.bytes_free), p, ctx,
        gib(c.bytes_needed), gib(c.bytes_kv_per_sequence),
        simulated ? "llama.cpp's no-alloc simulation"
                  : "the formula from GGUF metadata (llama.cpp could not simulate)",
        limit);
}

}  // namespace

nlohmann::json parallel_choice_to_json(const ParallelChoice& c) {
    nlohmann::json j = {{"requested", c.requested},
                        {"chosen", c.parallel},
                        {"method", c.method},
                        {"reason", c.reason}};
    if (c.method != "requested") {
        j["device"] = c.device;
        j["bytes_free"] = c.bytes_free;
        j["bytes_budget"] = c.bytes_budget;
        j["bytes_needed"] = c.bytes_needed;
        j["bytes_kv_per_sequence"] = c.bytes_kv_per_sequence;
        j["max_tried"] = c.cap;
    }
    return j;
}

Result<ParallelChoice> choose_parallel(const RunConfig& config, const ModelInfo& model,
                                       std::size_t n_pending) {
    if (config.parallel != "auto") return requested_parallel(config.parallel);
    ParallelChoice choice;
    choice.requested = config.parallel;
    MemoryRequest base;
    base.ctx_per_seq = static_cast<uint32_t>(config.ctx_per_sequence);
    base.n_gpu_layers = config.gpu_layers;
    base.kv_type = config.kv_type;
    base.prefix_stream = config.prefix_reuse;
    base.kv_unified = config.kv_unified;
    const auto devices = list_gpu_devices();
    const bool gpu = !devices.empty() && config.gpu_layers != 0;
    BIOMEDQ_ASSIGN(const BatchSizes sizes, batch_sizes_for(config, gpu));
    base.n_batch = static_cast<uint32_t>(sizes.n_batch);
    base.n_ubatch = static_cast<uint32_t>(sizes.n_ubatch);
    std::uint64_t free_bytes = 0;
    if (gpu) {
        for (const auto& d : devices) free_bytes += d.bytes_free_before_load;
    } else {
        free_bytes = host_available_bytes();
    }
    const auto budget =
        static_cast<std::uint64_t>(static_cast<double>(free_bytes) * kMemoryHeadroom);
    // More sequences than examples only costs memory.
    int cap = kMaxAutoParallel;
    while (cap > 1 && static_cast<std::size_t>(cap / 2) >= n_pending) cap /= 2;
    // llama.cpp sizes each candidate itself (no-alloc load, no weights read); the formula answers
    // only where it cannot. The free memory was read with this process's CUDA context in place;
    // what a run adds beyond its buffers (scratch pool, workspaces: the growth the last run on this
    // device model recorded) has to fit too.
    bool simulated = true;
    struct Sized {
        MemoryEstimate estimate;
        std::uint64_t bytes_run_growth = 0;
    };
    auto memory_for = [&](int n) -> Sized {
        MemoryRequest r = base;
        r.n_parallel = static_cast<uint32_t>(n);
        auto sim = simulate_memory(config.model_path, r, config.rpc_servers);
        if (!sim.ok()) {
            simulated = false;
            return {estimate_memory(model, r), 0};
        }
        Sized sized{sim->totals, 0};
        for (const auto& d : sim->devices) {
            if (!d.host) sized.bytes_run_growth += d.bytes_run_growth;
        }
        return sized;
    };
    auto bytes_of = [gpu](const Sized& s) {
        return gpu ? s.estimate.bytes_gpu() + s.bytes_run_growth : s.estimate.bytes_total();
    };
    const int p =
        largest_fitting_parallel([&](int n) { return bytes_of(memory_for(n)); }, budget, cap);
    const Sized at_choice = memory_for(std::max(p, 1));
    choice.parallel = p;
    choice.method = simulated ? "simulation" : "estimate";
    choice.device = gpu ? "GPU" : "host";
    choice.bytes_free = free_bytes;
    choice.bytes_budget = budget;
    choice.bytes_needed = bytes_of(at_choice);
    choice.bytes_kv_per_sequence =
        at_choice.estimate.bytes_kv / static_cast<std::uint64_t>(std::max(p, 1));
    choice.cap = cap;
    if (p == 0) {
        return make_error(
            ErrorCode::kResource,
            fmt::format("{}: one sequence of {} tokens needs about {:.2f} GiB but {:.2f} GiB "
                        "is free on the {}: use a smaller quantization, a smaller --ctx, or "
                        "fewer --gpu-layers",
                        config.model_path, config.ctx_per_sequence,
                        static_cast<double>(choice.bytes_needed) / (1 << 30),
                        static_cast<double>(free_bytes) / (1 << 30), gpu ? "GPU" : "host"));
    }
    choice.reason = auto_reason(choice, config.ctx_per_sequence, n_pending, simulated);
    return choice;
}

Status record_parallel_choice(const std::filesystem::path& run_dir, const ParallelChoice& choice) {
    return set_config_field(run_dir, "parallel_choice", parallel_choice_to_json(choice));
}

nlohmann::json read_parallel_choice(const std::filesystem::path& run_dir) {
    auto text = read_file(run_dir / "config.json");
    if (!text.ok()) return nullptr;
    const auto config = nlohmann::json::parse(text.value(), nullptr, false);
    if (config.is_discarded() || !config.is_object() || !config.contains("parallel_choice"))
        return nullptr;
    const auto& choice = config["parallel_choice"];
    return choice.is_object() ? choice : nlohmann::json(nullptr);
}

}  // namespace biomedq::runner
