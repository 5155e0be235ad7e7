#include "runner/backend_factory.h"

namespace biomedq::runner {

Result<std::unique_ptr<Backend>> make_backend(const RunConfig& config, int parallel) {
    if (!config.endpoints.empty()) {
        return make_error(ErrorCode::kUnsupported,
                          "--endpoint: the OpenAI-compatible backend is not available in this build");
    }
    EngineOptions eo;
    eo.model_path = config.model_path;
    eo.gpu_layers = config.gpu_layers;
    eo.ctx_per_sequence = config.ctx;
    eo.threads = config.threads;
    eo.verbose = config.verbose;
    eo.parallel = parallel;
    eo.rpc_servers = config.rpc_servers;
    BIOMEDQ_ASSIGN(auto engine, Engine::load(eo));
    return make_llama_backend(std::move(engine));
}

}  // namespace biomedq::runner
