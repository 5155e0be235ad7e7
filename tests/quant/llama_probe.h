// Loads a GGUF with llama.cpp on the CPU and records what it allocates, from the sizes llama.cpp
// logs ("<dev> model buffer size = X MiB", "KV buffer size", "output buffer size", "compute buffer
// size"). Test-only: the library never loads weights to answer `info`.
#pragma once

#include <llama.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <regex>
#include <string>

#include "llama/log_capture.h"

namespace biomedq::test {

struct LlamaAllocation {
    bool loaded = false;
    double mib_model = 0;
    double mib_kv = 0;
    double mib_output = 0;
    double mib_compute = 0;
    uint32_t n_ctx = 0;
    double mib_total() const { return mib_model + mib_kv + mib_output + mib_compute; }
};

namespace detail {

inline double sum_mib(const std::string& log, const std::string& what) {
    const std::regex pattern(what + R"( buffer size =\s*([0-9.]+) MiB)");
    double total = 0;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), pattern);
         it != std::sregex_iterator(); ++it) {
        total += std::stod((*it)[1].str());
    }
    return total;
}

}  // namespace detail

inline LlamaAllocation probe_llama_allocation(const std::filesystem::path& model_path,
                                              uint32_t ctx_per_seq, uint32_t n_parallel,
                                              bool flash_attn, ggml_type kv_type = GGML_TYPE_F16) {
    static std::mutex mutex;  // the log is process-wide: one probe at a time
    std::lock_guard<std::mutex> lock(mutex);
    llama::LogCapture capture;
    LlamaAllocation out;
    llama_model_params mparams = llama_model_default_params();
    mparams.n_gpu_layers = 0;
    llama_model* model = llama_model_load_from_file(model_path.c_str(), mparams);
    if (model) {
        llama_context_params cparams = llama_context_default_params();
        cparams.n_ctx = ctx_per_seq * n_parallel;
        cparams.n_seq_max = n_parallel;
        cparams.n_threads = 2;
        cparams.n_threads_batch = 2;
        cparams.flash_attn_type =
            flash_attn ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
        cparams.type_k = kv_type;
        cparams.type_v = kv_type;
        llama_context* ctx = llama_init_from_model(model, cparams);
        if (ctx) {
            out.loaded = true;
            out.n_ctx = llama_n_ctx(ctx);
            llama_free(ctx);
        }
        llama_model_free(model);
    }
    const std::string log = capture.all();
    out.mib_model = detail::sum_mib(log, "model");
    out.mib_kv = detail::sum_mib(log, "KV");
    out.mib_output = detail::sum_mib(log, "output");
    out.mib_compute = detail::sum_mib(log, "compute");
    if (std::getenv("BIOMEDQ_PROBE_LOG")) std::fputs(log.c_str(), stderr);
    return out;
}

}  // namespace biomedq::test
