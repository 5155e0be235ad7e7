// Loading a model and creating its context; model description and memory accounting.
#include <ggml-backend.h>

#include <algorithm>
#include <chrono>

#include "core/cpu_threads.h"
#include "engine/engine_impl.h"
#include "engine/stderr_capture.h"
#include "llama/context_params.h"
#include "llama/model_loader.h"
#include "llama/recent_log.h"
#include "llama/tokenize.h"

namespace biomedq {
namespace {

std::vector<DeviceMemory> probe_devices() {
    std::vector<DeviceMemory> out;
    for (size_t i = 0; i < ggml_backend_dev_count(); ++i) {
        ggml_backend_dev_t dev = ggml_backend_dev_get(i);
        const auto type = ggml_backend_dev_type(dev);
        if (type != GGML_BACKEND_DEVICE_TYPE_GPU && type != GGML_BACKEND_DEVICE_TYPE_IGPU) continue;
        // RPC devices stay registered for the whole process and ggml-rpc aborts when asked about a
        // server that has gone away; their memory is the remote machine's business.
        if (llama::is_rpc_device(dev)) continue;
        size_t free = 0, total = 0;
        ggml_backend_dev_memory(dev, &free, &total);
        DeviceMemory d;
        d.name = ggml_backend_dev_name(dev);
        d.description = ggml_backend_dev_description(dev);
        d.bytes_total = total;
        d.bytes_free_before_load = free;
        d.bytes_free_after_load = free;
        d.bytes_free_min = free;
        out.push_back(d);
    }
    return out;
}

std::string meta_string(const llama_model* model, const char* key) {
    char buf[512];
    const int32_t n = llama_model_meta_val_str(model, key, buf, sizeof(buf));
    return n < 0 ? std::string()
                 : std::string(buf, std::min<size_t>(static_cast<size_t>(n), sizeof(buf) - 1));
}

}  // namespace

const char* finish_reason_name(FinishReason reason) {
    switch (reason) {
        case FinishReason::kEndOfSequence:
            return "eos";
        case FinishReason::kStopString:
            return "stop";
        case FinishReason::kMaxTokens:
            return "length";
        case FinishReason::kGrammarComplete:
            return "grammar";
        case FinishReason::kError:
            return "error";
    }
    return "unknown";
}

Error decode_error(int32_t code, const EngineOptions& options) {
    if (code == 1) {
        return make_error(ErrorCode::kResource,
                          "llama.cpp found no room in the KV cache (parallel " +
                              std::to_string(options.parallel) + ", ctx " +
                              std::to_string(options.ctx_per_sequence) +
                              " per sequence): use a smaller --parallel or a larger --ctx");
    }
    std::string why = llama::recent_llama_errors();
    return make_error(ErrorCode::kBackend,
                      "llama_decode failed (code " + std::to_string(code) + ")" +
                          (why.empty() ? "" : ": " + why) +
                          "; if the device ran out of memory, use fewer --gpu-layers, a smaller "
                          "quantization, or a smaller --parallel");
}

std::vector<DeviceMemory> list_gpu_devices() {
    llama::init_backend();
    return probe_devices();
}

// Whether the model's KV cache can be cut back to a prefix and extended again: not where a
// sliding window has dropped early positions, nor for recurrent state; and llama.cpp must allow
// one more sequence.
bool model_allows_prefix_reuse(const llama_model* model, int parallel) {
    return static_cast<std::size_t>(parallel) < llama_max_parallel_sequences() &&
           llama_model_n_swa(model) == 0 && !llama_model_is_recurrent(model) &&
           !llama_model_is_hybrid(model);
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

namespace {

Status check_load_options(const EngineOptions& options) {
    if (options.parallel < 1) {
        return make_error(ErrorCode::kInvalidArgument, "--parallel must be at least 1");
    }
    if (options.ctx_per_sequence < 16) {
        return make_error(ErrorCode::kInvalidArgument, "--ctx must be at least 16 tokens");
    }
    BIOMEDQ_TRY(check_kv_cache_type(options.kv_type, "kv_type"));
    return llama::check_model_file(options.model_path);
}

Result<llama::ModelPtr> load_engine_model(const EngineOptions& options) {
    llama_model_params mparams = llama_model_default_params();
    mparams.n_gpu_layers = options.gpu_layers < 0 ? 999 : options.gpu_layers;
    // llama.cpp copies the list while loading, so a local vector is enough.
    BIOMEDQ_ASSIGN(std::vector<ggml_backend_dev_t> devices,
                   llama::model_devices(options.rpc_servers));
    if (!devices.empty()) mparams.devices = devices.data();
    return llama::load_model(options.model_path, mparams);
}

llama_context_params engine_context_params(const EngineOptions& options, bool prefix_stream) {
    // kv_type was checked by check_load_options.
    return llama::context_params(
        {.ctx_per_sequence = static_cast<uint32_t>(options.ctx_per_sequence),
         .n_parallel = static_cast<uint32_t>(options.parallel + (prefix_stream ? 1 : 0)),
         .n_batch = static_cast<uint32_t>(options.n_batch),
         .n_ubatch = static_cast<uint32_t>(options.n_ubatch),
         .threads = options.threads > 0 ? options.threads : default_thread_count(),
         .flash_attention = options.flash_attention,
         .kv_unified = options.kv_unified,
         .kv_type = options.kv_type});
}

Error context_error(const EngineOptions& options) {
    const std::string why = llama::recent_llama_errors();
    return make_error(ErrorCode::kResource,
                      options.model_path + ": could not create a context for " +
                          std::to_string(options.parallel) + " sequences of " +
                          std::to_string(options.ctx_per_sequence) + " tokens" +
                          (why.empty() ? std::string() : " (" + why + ")") +
                          ": use a smaller --parallel or --ctx, fewer --gpu-layers, or a smaller "
                          "quantization");
}

// Fills the description and the chat templates from the loaded model.
Status describe_model(Engine::Impl& impl) {
    auto& d = impl.description;
    const llama_model* model = impl.model.get();
    d.path = impl.options.model_path;
    d.arch = meta_string(model, "general.architecture");
    char desc[256];
    llama_model_desc(model, desc, sizeof(desc));
    d.description = desc;
    d.n_params = llama_model_n_params(model);
    d.bytes_weights = llama_model_size(model);
    d.n_layer = llama_model_n_layer(model);
    d.n_ctx_train = llama_model_n_ctx_train(model);
    d.n_vocab = llama_vocab_n_tokens(impl.vocab);
    d.has_chat_template = llama_model_chat_template(model, nullptr) != nullptr;
    if (!d.has_chat_template) return Status::success();
    try {
        impl.templates = common_chat_templates_init(model, "");
    } catch (const std::exception& e) {
        return make_error(ErrorCode::kParse, impl.options.model_path +
                                                 ": the chat template does not parse: " + e.what());
    }
    return Status::success();
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::load(const EngineOptions& options) {
    BIOMEDQ_TRY(check_load_options(options));
    llama::prepare_load(options.verbose);

    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->devices = probe_devices();
    const auto t_start = std::chrono::steady_clock::now();
    BIOMEDQ_ASSIGN(impl->model, load_engine_model(options));
    impl->prefix_stream =
        options.prefix_reuse && model_allows_prefix_reuse(impl->model.get(), options.parallel);
    impl->context.reset(llama_init_from_model(impl->model.get(),
                                              engine_context_params(options, impl->prefix_stream)));
    if (!impl->context) return context_error(options);
    impl->vocab = llama_model_get_vocab(impl->model.get());
    impl->stats.t_load_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start)
            .count();
    impl->buffers = llama::captured_buffer_memory();
    BIOMEDQ_TRY(describe_model(*impl));
    impl->sample_device_memory();
    for (auto& dev : impl->devices) dev.bytes_free_after_load = dev.bytes_free_min;
    return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

void Engine::Impl::sample_device_memory() {
    size_t i_dev = 0;
    for (size_t i = 0; i < ggml_backend_dev_count() && i_dev < devices.size(); ++i) {
        ggml_backend_dev_t dev = ggml_backend_dev_get(i);
        if (devices[i_dev].name != ggml_backend_dev_name(dev)) continue;
        size_t free = 0, total = 0;
        ggml_backend_dev_memory(dev, &free, &total);
        devices[i_dev].bytes_free_min =
            std::min<std::uint64_t>(devices[i_dev].bytes_free_min, free);
        ++i_dev;
    }
}

std::vector<llama_token> Engine::Impl::tokenize(const std::string& text, bool add_special) const {
    return llama::tokenize(vocab, text, add_special, /*parse_special=*/true);
}

std::string Engine::Impl::token_piece(llama_token token) const {
    char buf[256];
    int32_t n = llama_token_to_piece(vocab, token, buf, sizeof(buf), 0, /*special=*/false);
    if (n < 0) {
        std::string big(static_cast<size_t>(-n), '\0');
        n = llama_token_to_piece(vocab, token, big.data(), static_cast<int32_t>(big.size()), 0,
                                 false);
        big.resize(static_cast<size_t>(std::max(n, 0)));
        return big;
    }
    return std::string(buf, static_cast<size_t>(n));
}

int32_t Engine::Impl::decode(const llama_batch& batch) {
    const auto t0 = std::chrono::steady_clock::now();
    const int32_t rc = llama_decode(context.get(), batch);
    llama_synchronize(context.get());
    stats.t_decode_ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    stats.n_decode_calls++;
    if (!devices.empty() && (stats.n_decode_calls % 16) == 1) sample_device_memory();
    return rc;
}

int Engine::count_tokens(const std::string& text) const {
    return static_cast<int>(impl_->tokenize(text, true).size());
}
const ModelDescription& Engine::model() const { return impl_->description; }
const EngineOptions& Engine::options() const { return impl_->options; }
bool Engine::prefix_reuse() const { return impl_->prefix_stream; }
EngineStats Engine::stats() const { return impl_->stats; }
std::vector<BufferMemory> Engine::buffer_memory() const { return impl_->buffers; }
std::vector<DeviceMemory> Engine::device_memory() const {
    impl_->sample_device_memory();
    return impl_->devices;
}

Status Engine::validate_grammar(const std::string& grammar) const {
    llama::reset_recent_log();
    engine::StderrCapture parser_output;
    llama::SamplerPtr s(llama_sampler_init_grammar(impl_->vocab, grammar.c_str(), "root"));
    const std::string reason = parser_output.finish();
    if (!s) {
        std::string why = reason.empty() ? llama::recent_llama_errors() : reason;
        return make_error(ErrorCode::kParse,
                          "grammar does not parse" + (why.empty() ? std::string() : ": " + why));
    }
    return Status::success();
}

}  // namespace biomedq
