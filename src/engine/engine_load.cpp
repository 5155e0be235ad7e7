// Loading a model and creating its context; model description and memory accounting.
#include <ggml-backend.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/cpu_threads.h"
#include "engine/engine_impl.h"
#include "engine/kv_cache_type.h"
#include "engine/llama_log_capture.h"
#include "engine/stderr_capture.h"

namespace biomedq {
namespace {

std::once_flag g_backend_once;

std::vector<DeviceMemory> probe_devices() {
    std::vector<DeviceMemory> out;
    for (size_t i = 0; i < ggml_backend_dev_count(); ++i) {
        ggml_backend_dev_t dev = ggml_backend_dev_get(i);
        const auto type = ggml_backend_dev_type(dev);
        if (type != GGML_BACKEND_DEVICE_TYPE_GPU && type != GGML_BACKEND_DEVICE_TYPE_IGPU) continue;
        // RPC devices stay registered for the whole process and ggml-rpc aborts when asked about a
        // server that has gone away; their memory is the remote machine's business.
        if (engine::is_rpc_device(dev)) continue;
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

// ggml-rpc aborts the process when a server cannot be reached, so reachability is checked first with a
// plain TCP connect, turning a typo in --rpc into an error value.
Status check_rpc_reachable(const std::string& endpoint) {
    const auto colon = endpoint.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return make_error(ErrorCode::kInvalidArgument, "--rpc " + endpoint + ": expected host:port");
    }
    std::string host = endpoint.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), endpoint.substr(colon + 1).c_str(), &hints, &found) != 0 || !found) {
        return make_error(ErrorCode::kInvalidArgument, "--rpc " + endpoint + ": cannot resolve the host");
    }
    bool connected = false;
    for (const addrinfo* ai = found; ai && !connected; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        connected = ::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
        ::close(fd);
    }
    freeaddrinfo(found);
    if (!connected) {
        return make_error(ErrorCode::kBackend, "--rpc " + endpoint +
                                                   ": no rpc-server answers there (start it with "
                                                   "`ggml-rpc-server -H HOST -p PORT` from the same llama.cpp)");
    }
    return Status::success();
}

}  // namespace

namespace engine {

Status check_model_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return make_error(ErrorCode::kNotFound, path + ": no such model file");
    }
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    if (!in || std::string(magic, 4) != "GGUF") {
        return make_error(ErrorCode::kParse,
                          path + ": not a GGUF file (expected the magic bytes \"GGUF\" at offset 0)");
    }
    return Status::success();
}

bool is_rpc_device(ggml_backend_dev_t dev) {
    ggml_backend_reg_t reg = ggml_backend_dev_backend_reg(dev);
    return reg && std::string(ggml_backend_reg_name(reg)).rfind("RPC", 0) == 0;
}

}  // namespace engine

Result<std::vector<ggml_backend_dev_t>> engine::model_devices(const std::vector<std::string>& servers) {
    static std::mutex mutex;
    static std::vector<ggml_backend_dev_t> all_rpc_devices;
    std::lock_guard lock(mutex);
    std::vector<ggml_backend_dev_t> devices;
    if (!servers.empty()) {
        ggml_backend_reg_t rpc = ggml_backend_reg_by_name("RPC");
        using AddServerFn = ggml_backend_reg_t (*)(const char*);
        auto add_server = rpc ? reinterpret_cast<AddServerFn>(
                                    ggml_backend_reg_get_proc_address(rpc, "ggml_backend_rpc_add_server"))
                              : nullptr;
        if (!add_server) {
            return make_error(ErrorCode::kUnsupported,
                              "--rpc: this llama.cpp build has no RPC backend (build it with GGML_RPC=ON)");
        }
        static std::vector<std::string> registered;
        for (const auto& server : servers) {
            BIOMEDQ_TRY(check_rpc_reachable(server));
            ggml_backend_reg_t reg = add_server(server.c_str());
            if (!reg) return make_error(ErrorCode::kBackend, "--rpc " + server + ": the server reports no devices");
            if (std::find(registered.begin(), registered.end(), server) == registered.end()) {
                ggml_backend_register(reg);
                registered.push_back(server);
                for (size_t i = 0; i < ggml_backend_reg_dev_count(reg); ++i) {
                    all_rpc_devices.push_back(ggml_backend_reg_dev_get(reg, i));
                }
            }
            for (size_t i = 0; i < ggml_backend_reg_dev_count(reg); ++i) {
                devices.push_back(ggml_backend_reg_dev_get(reg, i));
            }
        }
    } else if (all_rpc_devices.empty()) {
        return devices;
    }
    for (size_t i = 0; i < ggml_backend_dev_count(); ++i) {
        ggml_backend_dev_t dev = ggml_backend_dev_get(i);
        const auto type = ggml_backend_dev_type(dev);
        if (type != GGML_BACKEND_DEVICE_TYPE_GPU && type != GGML_BACKEND_DEVICE_TYPE_IGPU) continue;
        if (std::find(all_rpc_devices.begin(), all_rpc_devices.end(), dev) != all_rpc_devices.end()) continue;
        devices.push_back(dev);
    }
    devices.push_back(nullptr);  // llama_model_params.devices is null-terminated
    return devices;
}

void engine::init_llama_backend() { std::call_once(g_backend_once, [] { llama_backend_init(); }); }

namespace {

std::string meta_string(const llama_model* model, const char* key) {
    char buf[512];
    const int32_t n = llama_model_meta_val_str(model, key, buf, sizeof(buf));
    return n < 0 ? std::string() : std::string(buf, std::min<size_t>(static_cast<size_t>(n), sizeof(buf) - 1));
}

}  // namespace

const char* finish_reason_name(FinishReason reason) {
    switch (reason) {
        case FinishReason::kEndOfSequence: return "eos";
        case FinishReason::kStopString: return "stop";
        case FinishReason::kMaxTokens: return "length";
        case FinishReason::kGrammarComplete: return "grammar";
        case FinishReason::kError: return "error";
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
    std::string why = engine::recent_llama_errors();
    return make_error(ErrorCode::kBackend,
                      "llama_decode failed (code " + std::to_string(code) + ")" +
                          (why.empty() ? "" : ": " + why) +
                          "; if the device ran out of memory, use fewer --gpu-layers, a smaller "
                          "quantization, or a smaller --parallel");
}

std::vector<DeviceMemory> list_gpu_devices() {
    std::call_once(g_backend_once, [] { llama_backend_init(); });
    return probe_devices();
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::load(const EngineOptions& options) {
    if (options.parallel < 1) {
        return make_error(ErrorCode::kInvalidArgument, "--parallel must be at least 1");
    }
    if (options.ctx_per_sequence < 16) {
        return make_error(ErrorCode::kInvalidArgument, "--ctx must be at least 16 tokens");
    }
    BIOMEDQ_TRY(check_kv_cache_type(options.kv_type, "kv_type"));
    BIOMEDQ_TRY(engine::check_model_file(options.model_path));
    engine::install_llama_log_capture(options.verbose);
    std::call_once(g_backend_once, [] { llama_backend_init(); });
    engine::reset_llama_log_capture();

    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->devices = probe_devices();
    const auto t_start = std::chrono::steady_clock::now();

    llama_model_params mparams = llama_model_default_params();
    mparams.n_gpu_layers = options.gpu_layers < 0 ? 999 : options.gpu_layers;
    // llama.cpp copies the list while loading, so a local vector is enough.
    BIOMEDQ_ASSIGN(std::vector<ggml_backend_dev_t> devices, engine::model_devices(options.rpc_servers));
    if (!devices.empty()) mparams.devices = devices.data();
    impl->model.reset(llama_model_load_from_file(options.model_path.c_str(), mparams));
    if (!impl->model) {
        std::string why = engine::recent_llama_errors();
        auto code = why.find("unknown model architecture") != std::string::npos ? ErrorCode::kUnsupported
                                                                                 : ErrorCode::kParse;
        return make_error(code, options.model_path + ": llama.cpp could not load the model" +
                                    (why.empty() ? std::string() : ": " + why));
    }

    llama_context_params cparams = llama_context_default_params();
    const auto n_ctx = static_cast<uint32_t>(options.ctx_per_sequence) * static_cast<uint32_t>(options.parallel);
    cparams.n_ctx = n_ctx;
    cparams.n_seq_max = static_cast<uint32_t>(options.parallel);
    cparams.n_batch = std::min<uint32_t>(static_cast<uint32_t>(options.n_batch), n_ctx);
    cparams.n_ubatch = std::min<uint32_t>(static_cast<uint32_t>(options.n_ubatch), cparams.n_batch);
    const int threads = options.threads > 0 ? options.threads : default_thread_count();
    cparams.n_threads = threads;
    cparams.n_threads_batch = threads;
    cparams.flash_attn_type = options.flash_attention ? LLAMA_FLASH_ATTN_TYPE_AUTO : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    const ggml_type kv_type = kv_cache_ggml_type(options.kv_type).value_or(GGML_TYPE_F16);  // checked above
    cparams.type_k = kv_type;
    cparams.type_v = kv_type;
    // Separate KV streams per sequence: each sequence really gets ctx_per_sequence cells, and the
    // attention of one sequence never spans another's cells.
    cparams.kv_unified = false;
    cparams.no_perf = true;
    impl->context.reset(llama_init_from_model(impl->model.get(), cparams));
    if (!impl->context) {
        std::string why = engine::recent_llama_errors();
        return make_error(ErrorCode::kResource,
                          options.model_path + ": could not create a context for " +
                              std::to_string(options.parallel) + " sequences of " +
                              std::to_string(options.ctx_per_sequence) + " tokens" +
                              (why.empty() ? std::string() : " (" + why + ")") +
                              ": use a smaller --parallel or --ctx, fewer --gpu-layers, or a smaller "
                              "quantization");
    }
    impl->vocab = llama_model_get_vocab(impl->model.get());
    impl->stats.t_load_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start).count();
    impl->buffers = engine::captured_buffer_memory();

    auto& d = impl->description;
    const llama_model* model = impl->model.get();
    d.path = options.model_path;
    d.architecture = meta_string(model, "general.architecture");
    char desc[256];
    llama_model_desc(model, desc, sizeof(desc));
    d.description = desc;
    d.n_params = llama_model_n_params(model);
    d.bytes_weights = llama_model_size(model);
    d.n_layer = llama_model_n_layer(model);
    d.n_ctx_train = llama_model_n_ctx_train(model);
    d.n_vocab = llama_vocab_n_tokens(impl->vocab);
    d.has_chat_template = llama_model_chat_template(model, nullptr) != nullptr;
    if (d.has_chat_template) {
        try {
            impl->templates = common_chat_templates_init(model, "");
        } catch (const std::exception& e) {
            return make_error(ErrorCode::kParse,
                              options.model_path + ": the chat template does not parse: " + e.what());
        }
    }
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
        devices[i_dev].bytes_free_min = std::min<std::uint64_t>(devices[i_dev].bytes_free_min, free);
        ++i_dev;
    }
}

std::vector<llama_token> Engine::Impl::tokenize(const std::string& text, bool add_special) const {
    const auto len = static_cast<int32_t>(text.size());
    std::vector<llama_token> tokens(text.size() + 8);
    int32_t n = llama_tokenize(vocab, text.data(), len, tokens.data(), static_cast<int32_t>(tokens.size()),
                               add_special, /*parse_special=*/true);
    if (n < 0) {
        tokens.resize(static_cast<size_t>(-n));
        n = llama_tokenize(vocab, text.data(), len, tokens.data(), static_cast<int32_t>(tokens.size()),
                           add_special, true);
    }
    tokens.resize(static_cast<size_t>(std::max(n, 0)));
    return tokens;
}

std::string Engine::Impl::token_piece(llama_token token) const {
    char buf[256];
    int32_t n = llama_token_to_piece(vocab, token, buf, sizeof(buf), 0, /*special=*/false);
    if (n < 0) {
        std::string big(static_cast<size_t>(-n), '\0');
        n = llama_token_to_piece(vocab, token, big.data(), static_cast<int32_t>(big.size()), 0, false);
        big.resize(static_cast<size_t>(std::max(n, 0)));
        return big;
    }
    return std::string(buf, static_cast<size_t>(n));
}

int32_t Engine::Impl::decode(const llama_batch& batch) {
    const auto t0 = std::chrono::steady_clock::now();
    const int32_t rc = llama_decode(context.get(), batch);
    llama_synchronize(context.get());
    stats.t_decode_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    stats.n_decode_calls++;
    if (!devices.empty() && (stats.n_decode_calls % 16) == 1) sample_device_memory();
    return rc;
}

int Engine::count_tokens(const std::string& text) const {
    return static_cast<int>(impl_->tokenize(text, true).size());
}
const ModelDescription& Engine::model() const { return impl_->description; }
const EngineOptions& Engine::options() const { return impl_->options; }
EngineStats Engine::stats() const { return impl_->stats; }
std::vector<BufferMemory> Engine::buffer_memory() const { return impl_->buffers; }
std::vector<DeviceMemory> Engine::device_memory() const {
    impl_->sample_device_memory();
    return impl_->devices;
}

Status Engine::validate_grammar(const std::string& grammar) const {
    engine::reset_llama_log_capture();
    engine::StderrCapture parser_output;
    engine::SamplerPtr s(llama_sampler_init_grammar(impl_->vocab, grammar.c_str(), "root"));
    const std::string reason = parser_output.finish();
    if (!s) {
        std::string why = reason.empty() ? engine::recent_llama_errors() : reason;
        return make_error(ErrorCode::kParse,
                          "grammar does not parse" + (why.empty() ? std::string() : ": " + why));
    }
    return Status::success();
}

}  // namespace biomedq
