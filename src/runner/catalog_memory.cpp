// Catalog shapes sized by llama.cpp itself (runner/catalog_memory.h:
// simulate_catalog_shape): synthesize a sparse zero-weight file, simulate it, cache the answer.
#include "runner/catalog_memory.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>

#include "biomedq/build_info.h"
#include "biomedq/engine.h"
#include "core/cache_dir.h"
#include "core/file_io.h"

namespace biomedq::runner {
namespace {

// How synth lays out a shape; raised whenever that changes the simulated buffers, so answers cached
// before are not reused. 2: vocabularies padded to the published size.
constexpr int kSynthLayout = 2;

// What a cached answer depends on besides the pinned llama.cpp (the folder): how synth lays out
// the shape, the request and the kind of device that held the buffers (a CPU host's compute buffer
// differs from a GPU's).
std::string cache_name(const ModelShape& shape, const MemoryRequest& r) {
    const auto gpus = list_gpu_devices();
    std::string host = gpus.empty() ? "cpu" : gpus.front().description;
    for (char& c : host) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
    }
    return fmt::format("{}-s{}-c{}-p{}-{}-fa{}-ub{}-{}.json", shape.id, kSynthLayout, r.ctx_per_seq,
                       r.n_parallel, r.kv_type, r.flash_attn ? 1 : 0, r.n_ubatch, host);
}

std::optional<CatalogSimulation> read_cached(const std::filesystem::path& file) {
    auto text = read_file(file);
    if (!text.ok()) return std::nullopt;
    const auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return std::nullopt;
    try {
        CatalogSimulation c;
        const auto& e = j.at("f16");
        c.f16.n_ctx_total = e.at("n_ctx_total").get<uint32_t>();
        c.f16.n_ctx_seq = e.at("n_ctx_seq").get<uint32_t>();
        c.f16.bytes_weights_gpu = e.at("bytes_weights_gpu").get<uint64_t>();
        c.f16.bytes_weights_host = e.at("bytes_weights_host").get<uint64_t>();
        c.f16.bytes_kv = e.at("bytes_kv").get<uint64_t>();
        c.f16.bytes_kv_gpu = e.at("bytes_kv_gpu").get<uint64_t>();
        c.f16.bytes_compute = e.at("bytes_compute").get<uint64_t>();
        c.f16.bytes_compute_host = e.at("bytes_compute_host").get<uint64_t>();
        c.f16.bytes_output = e.at("bytes_output").get<uint64_t>();
        c.device_simulated = j.at("device_simulated").get<bool>();
        c.cached = true;
        c.cache_file = file;
        return c;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;  // a damaged entry is simulated again
    }
}

}  // namespace

nlohmann::json to_json(const MemoryEstimate& e) {
    return {{"n_ctx_total", e.n_ctx_total},
            {"n_ctx_seq", e.n_ctx_seq},
            {"bytes_weights_gpu", e.bytes_weights_gpu},
            {"bytes_weights_host", e.bytes_weights_host},
            {"bytes_kv", e.bytes_kv},
            {"bytes_kv_gpu", e.bytes_kv_gpu},
            {"bytes_compute", e.bytes_compute},
            {"bytes_compute_host", e.bytes_compute_host},
            {"bytes_output", e.bytes_output}};
}

Result<CatalogSimulation> simulate_catalog_shape(const ModelShape& shape,
                                                 const MemoryRequest& request,
                                                 const std::filesystem::path& vocab_dir) {
    const auto dir = biomedq_cache_dir() / (std::string("catalog-") + build_info::kLlamaCppTag);
    const auto file = dir / cache_name(shape, request);
    if (auto cached = read_cached(file)) return *cached;

    SynthOptions synth;
    synth.shape = shape;
    synth.vocab_path = vocab_dir / shape.vocab_file;
    if (!std::filesystem::exists(synth.vocab_path)) {
        return make_error(ErrorCode::kNotFound,
                          synth.vocab_path.string() + ": no vocab file for " + shape.display_name);
    }
    synth.type = "f16";
    synth.zero_weights = true;
    synth.n_threads = 1;  // a sparse file: nothing to compute
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(ErrorCode::kIo, dir.string() + ": cannot create: " + ec.message());
    const auto gguf = dir / fmt::format(".{}-{}.gguf", shape.id, ::getpid());
    struct Remove {
        std::filesystem::path p;
        ~Remove() {
            std::error_code ignored;
            std::filesystem::remove(p, ignored);
        }
    } remove_after{gguf};
    if (auto made = synthesize_model(synth, gguf); !made.ok()) return made.error();
    BIOMEDQ_ASSIGN(ModelInfo info, read_model_info(gguf));
    BIOMEDQ_ASSIGN(MemorySimulation sim, simulate_memory(gguf.string(), request));
    CatalogSimulation out;
    auto view =
        offloaded_view(sim, request, info.n_layer, info.bytes_token_embd, out.device_simulated);
    if (!view) {
        return make_error(
            ErrorCode::kInvalidArgument,
            "a partial offload of a catalog shape on a host without a GPU is the formula's");
    }
    out.f16 = *view;
    out.cache_file = file;
    const nlohmann::json doc = {
        {"shape", shape.id},
        {"llama_cpp", {{"tag", build_info::kLlamaCppTag}, {"commit", build_info::kLlamaCppCommit}}},
        {"device_simulated", out.device_simulated},
        {"f16", to_json(out.f16)}};
    // A cache that cannot be written costs the next call a simulation, nothing else.
    (void)write_file_atomic(file, doc.dump(2) + "\n");
    return out;
}

}  // namespace biomedq::runner
