// The in-process backend: renders chat messages with the model's own template and hands batches to
// the engine.
#include "biomedq/backend.h"
#include "biomedq/engine.h"

namespace biomedq {
namespace {

class LlamaBackend final : public Backend {
public:
    explicit LlamaBackend(std::unique_ptr<Engine> engine) : engine_(std::move(engine)) {}

    Status supports_grammar() const override { return Status::success(); }
    Status supports_loglik() const override { return Status::success(); }
    bool supports_chat() const override { return engine_->model().has_chat_template; }

    Status generate(const std::vector<BackendRequest>& requests,
                    const std::function<void(std::size_t, BackendResult&&)>& on_done,
                    const std::atomic<bool>* cancel) override {
        std::vector<GenerationRequest> engine_requests;
        engine_requests.reserve(requests.size());
        for (const auto& r : requests) {
            BIOMEDQ_ASSIGN(std::string prompt, prompt_of(r.messages, r.raw_prompt));
            engine_requests.push_back(GenerationRequest{.prompt = std::move(prompt),
                                                        .grammar = r.grammar,
                                                        .max_tokens = r.max_tokens,
                                                        .stop = r.stop,
                                                        .temperature = r.temperature,
                                                        .seed = r.seed,
                                                        .ignore_eos = r.ignore_eos});
        }
        return engine_->generate(
            engine_requests,
            [&](std::size_t i, GenerationResult&& result) {
                on_done(i, BackendResult{std::move(result), engine_requests[i].prompt});
            },
            cancel);
    }

    Result<std::vector<LoglikResult>> loglik(const std::vector<BackendLoglikRequest>& requests,
                                             const std::atomic<bool>* cancel) override {
        std::vector<LoglikRequest> engine_requests;
        engine_requests.reserve(requests.size());
        for (const auto& r : requests) {
            LoglikRequest l;
            BIOMEDQ_ASSIGN(l.context, prompt_of(r.messages, r.raw_prompt));
            l.continuation = r.continuation;
            engine_requests.push_back(std::move(l));
        }
        return engine_->loglik(engine_requests, cancel);
    }

    BackendMeasurements measurements() const override {
        BackendMeasurements m;
        m.backend = "llama.cpp (in-process)";
        m.model_description = engine_->model().description;
        m.stats = engine_->stats();
        m.buffers = engine_->buffer_memory();
        m.devices = engine_->device_memory();
        m.memory_source =
            "llama.cpp allocation log (per buffer) + driver free-memory readings + getrusage";
        return m;
    }

private:
    Result<std::string> prompt_of(const std::vector<ChatMessage>& messages,
                                  const std::string& raw) {
        if (messages.empty()) return raw;
        return engine_->render_chat(messages);
    }

    std::unique_ptr<Engine> engine_;
};

}  // namespace

std::unique_ptr<Backend> make_llama_backend(std::unique_ptr<Engine> engine) {
    return std::make_unique<LlamaBackend>(std::move(engine));
}

}  // namespace biomedq
