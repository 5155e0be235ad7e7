#include "runner/backend_factory.h"

#include "biomedq/engine.h"
#include "biomedq/openai_backend.h"

namespace biomedq::runner {

Result<std::unique_ptr<Backend>> make_backend(const RunConfig& config, const BatchShape& shape) {
    if (!config.endpoints.empty()) {
        if (!config.rpc_servers.empty()) {
            return make_error(
                ErrorCode::kInvalidArgument,
                "--rpc applies to the in-process backend (--model), not to --endpoint servers; "
                "start llama-server with its own --rpc instead");
        }
        OpenAiBackendOptions o;
        o.endpoints = config.endpoints;
        o.model_name = config.model_name;
        o.concurrency_per_endpoint = config.endpoint_concurrency;
        o.request_timeout_s = config.request_timeout_s;
        o.outage_timeout_s = config.endpoint_outage_timeout_s;
        o.allow_remote = config.allow_remote;
        return make_openai_backend(o);
    }
    // llama.cpp's RPC protocol is unauthenticated: weights and activations (clinical text) cross
    // the wire in the clear, so the same privacy policy as for endpoints applies, and llama.cpp is
    // given the checked address, not the name to look up again.
    std::vector<std::string> rpc_addresses;
    for (const auto& server : config.rpc_servers) {
        BIOMEDQ_ASSIGN(std::string address, pinned_rpc_endpoint(server, config.allow_remote));
        rpc_addresses.push_back(std::move(address));
    }
    const EngineOptions eo{.model_path = config.model_path,
                           .gpu_layers = config.gpu_layers,
                           .ctx_per_sequence = config.ctx_per_sequence,
                           .parallel = shape.parallel,
                           .n_batch = shape.n_batch,
                           .n_ubatch = shape.n_ubatch,
                           .prefix_reuse = shape.prefix_reuse,
                           .kv_unified = shape.kv_unified,
                           .threads = shape.threads,
                           .kv_type = config.kv_type,
                           .rpc_servers = rpc_addresses,
                           .verbose = config.verbose};
    BIOMEDQ_ASSIGN(auto engine, Engine::load(eo));
    return make_llama_backend(std::move(engine));
}

}  // namespace biomedq::runner
