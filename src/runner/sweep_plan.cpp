// The cells of a sweep, their memory estimates and their run configurations.
#include <algorithm>

#include "biomedq/memory_simulation.h"
#include "biomedq/sweep.h"
#include "core/file_io.h"
#include "core/sha256.h"
#include "runner/parallel_choice.h"

namespace biomedq {
namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

// The source's own type, from its GGUF file type (llama_ftype).
Result<std::string> source_type(const ModelInfo& info, const std::filesystem::path& path) {
    std::string found;
    if (info.file_type) {
        for (const auto& t : quant_types()) {
            if (t.ftype == *info.file_type) found = t.name;
        }
    }
    if (found.empty())
        found = info.dominant_tensor_type;  // "f16" / "bf16" / "f32" for unlabelled files
    if (found != "f32" && found != "f16" && found != "bf16") {
        return make_error(
            ErrorCode::kInvalidArgument,
            path.string() + ": is " + (info.file_type_name.empty() ? found : info.file_type_name) +
                "; a sweep quantizes from a full-precision source (f16, bf16 or f32)");
    }
    return found;
}

}  // namespace

std::string SweepCell::name() const {
    std::string p = prompt;
    std::replace(p.begin(), p.end(), ':', '-');
    return model_name + "-" + upper(quant_type) + "-" + p;
}

Result<std::vector<SweepCell>> plan_sweep(const SweepSpec& spec) {
    std::vector<SweepCell> cells;
    for (const auto& model : spec.models) {
        BIOMEDQ_TRY(check_gguf_file(model.path));
        BIOMEDQ_ASSIGN(ModelInfo info, read_model_info(model.path));
        BIOMEDQ_ASSIGN(std::string own_type, source_type(info, model.path));
        BIOMEDQ_ASSIGN(std::string sha, sha256_file_cached(model.path));
        std::vector<std::string> types = {own_type};
        for (const auto& t : spec.quant_types) {
            if (t != own_type) types.push_back(t);
        }
        for (const auto& type : types) {
            for (const auto& prompt : spec.prompts) {
                SweepCell cell;
                cell.model_name = model.name;
                cell.source_path = model.path;
                cell.source_sha256 = sha;
                cell.quant_type = type;
                cell.from_source = type == own_type;
                cell.prompt = prompt;
                cell.model_path = cell.from_source
                                      ? model.path
                                      : spec.out_dir / "quantized" /
                                            (sha.substr(0, 12) + "-" + upper(type) + ".gguf");
                cell.run_dir = spec.out_dir / "runs" / cell.name();
                cells.push_back(std::move(cell));
            }
        }
    }
    return cells;
}

MemoryRequest cell_memory_request(const SweepSpec& spec) {
    MemoryRequest request;
    request.ctx_per_seq = static_cast<std::uint32_t>(spec.ctx_per_sequence);
    request.n_parallel = 1;
    if (spec.parallel != "auto") {
        try {
            request.n_parallel = static_cast<std::uint32_t>(std::max(1, std::stoi(spec.parallel)));
        } catch (const std::exception&) {
            request.n_parallel = 1;
        }
    }
    request.n_gpu_layers = spec.gpu_layers;
    request.kv_type = spec.kv_type;
    return request;
}

Result<CellMemory> estimate_cell_memory(const SweepSpec& spec, const SweepCell& cell) {
    return cell_memory_at(cell, cell_memory_request(spec));
}

Result<CellMemory> cell_memory_at(const SweepCell& cell, const MemoryRequest& request) {
    CellMemory out;
    ModelInfo info;
    if (std::filesystem::exists(cell.model_path) && check_gguf_file(cell.model_path).ok()) {
        BIOMEDQ_ASSIGN(info, read_model_info(cell.model_path));
        // The file exists: llama.cpp sizes it (header only, no weight read).
        auto sim = simulate_memory(cell.model_path.string(), request);
        if (sim.ok()) {
            auto view = offloaded_view(*sim, request, info.n_layer, info.bytes_token_embd,
                                       out.device_simulated);
            if (view) {
                out.estimate = *view;
                out.source = "simulation";
                for (const auto& d : sim->devices) {
                    if (!d.host) out.bytes_device_overhead += d.bytes_overhead();
                }
                return out;
            }
            out.estimate_reason = "partial offload on a host without a GPU";
        } else {
            out.estimate_reason = "llama.cpp could not simulate: " + sim.error().message;
        }
    } else {
        // Not quantized yet: scale the source's tensor sizes to the type's nominal bits per weight.
        BIOMEDQ_ASSIGN(info, read_model_info(cell.source_path));
        BIOMEDQ_ASSIGN(QuantType type, find_quant_type(cell.quant_type));
        const double factor =
            info.bits_per_weight > 0 ? type.bits_per_weight / info.bits_per_weight : 1.0;
        auto scale = [factor](std::uint64_t bytes) {
            return static_cast<std::uint64_t>(static_cast<double>(bytes) * factor);
        };
        for (auto& b : info.bytes_layer) b = scale(b);
        info.bytes_token_embd = scale(info.bytes_token_embd);
        info.bytes_output = scale(info.bytes_output);
        info.bytes_other = scale(info.bytes_other);
        info.bytes_tensors = scale(info.bytes_tensors);
        info.bits_per_weight = type.bits_per_weight;
        out.estimated_from_source = true;
        out.estimate_reason = "not quantized yet: the source's shape at " + cell.quant_type +
                              "'s nominal bits per weight";
    }
    out.estimate = estimate_memory(info, request);
    return out;
}

Result<int> cell_parallel_within(const SweepSpec& spec, const SweepCell& cell,
                                 std::uint64_t budget_bytes) {
    MemoryRequest base = cell_memory_request(spec);
    Status failed = Status::success();
    const int p = runner::largest_fitting_parallel(
        [&](int n) -> std::uint64_t {
            MemoryRequest r = base;
            r.n_parallel = static_cast<std::uint32_t>(n);
            auto m = cell_memory_at(cell, r);
            if (!m.ok()) {
                failed = m.error();
                return UINT64_MAX;
            }
            return m->bytes_gpu_budgeted();
        },
        static_cast<std::uint64_t>(static_cast<double>(budget_bytes) * runner::kMemoryHeadroom),
        runner::kMaxAutoParallel);
    if (p == 0 && !failed.ok()) return failed.error();
    return p;
}

RunConfig cell_run_config(const SweepSpec& spec, const SweepCell& cell) {
    RunConfig c;
    static_cast<EvalSpec&>(c) = spec;  // every eval option the sweep sets ...
    c.prompt = cell.prompt;            // ... but the prompt, which is the cell's
    c.model_path = cell.model_path.string();
    c.gpu_layers = spec.gpu_layers;
    c.parallel = spec.parallel;
    c.bootstrap_resamples = spec.bootstrap_resamples;
    c.data_dir = spec.data_dir;
    c.tasks_dir = spec.tasks_dir;
    c.out_dir = cell.run_dir.string();
    c.progress = spec.progress;
    return c;
}

namespace {

// The run's model is the cell's by content: the hash results.json recorded against the file's (the
// source's hash is known; a quantized file's is cached per path, size and mtime). Paths are no
// evidence: the same sweep reached as ./sweep.yaml and /abs/sweep.yaml, or through a symlink,
// spells them differently. A quantized file deleted after its cells finished can only be matched by
// where it was, its name carrying the source's hash and the type.
bool same_model(const ModelRecord& model, const SweepCell& cell) {
    const std::string& recorded_sha = model.sha256;
    if (cell.from_source) return !recorded_sha.empty() && recorded_sha == cell.source_sha256;
    std::error_code ec;
    if (std::filesystem::exists(cell.model_path, ec)) {
        auto sha = sha256_file_cached(cell.model_path);
        return sha.ok() && !recorded_sha.empty() && *sha == recorded_sha;
    }
    const std::filesystem::path recorded_path = model.path;
    auto canonical = [](const std::filesystem::path& p) {
        std::error_code e;
        auto c = std::filesystem::weakly_canonical(std::filesystem::absolute(p, e), e);
        return e ? std::filesystem::absolute(p, e).lexically_normal() : c;
    };
    return !recorded_path.empty() && canonical(recorded_path) == canonical(cell.model_path);
}

}  // namespace

bool cell_finished(const SweepSpec& spec, const SweepCell& cell) {
    auto run = read_run_record(cell.run_dir);
    if (!run.ok() || !same_model(run->model, cell)) return false;
    // Every option that changes answers, as the cell's eval would be given it.
    EvalSpec wanted = spec;
    wanted.prompt = cell.prompt;
    if (to_json(run->spec) != to_json(wanted)) return false;
    for (const auto& task : spec.tasks) {
        const auto t = run->tasks.find(task);
        if (t == run->tasks.end() || !t->second.complete) return false;
    }
    return true;
}

}  // namespace biomedq
