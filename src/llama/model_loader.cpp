#include "llama/model_loader.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "llama/recent_log.h"

namespace biomedq::llama {
namespace {

// ggml-rpc aborts the process when a server cannot be reached, so reachability is checked first
// with a plain TCP connect, turning a typo in --rpc into an error value.
Status check_rpc_reachable(const std::string& endpoint) {
    const auto colon = endpoint.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          "--rpc " + endpoint + ": expected host:port");
    }
    std::string host = endpoint.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), endpoint.substr(colon + 1).c_str(), &hints, &found) != 0 ||
        !found) {
        return make_error(ErrorCode::kInvalidArgument,
                          "--rpc " + endpoint + ": cannot resolve the host");
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
        return make_error(ErrorCode::kBackend,
                          "--rpc " + endpoint +
                              ": no rpc-server answers there (start it with "
                              "`ggml-rpc-server -H HOST -p PORT` from the same llama.cpp)");
    }
    return Status::success();
}

}  // namespace

void init_backend() {
    static std::once_flag once;
    std::call_once(once, [] { llama_backend_init(); });
}

void prepare_load(bool verbose) {
    install_recent_log(verbose);
    init_backend();
    reset_recent_log();
}

Status check_model_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return make_error(ErrorCode::kNotFound, path + ": no such model file");
    }
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    if (!in || std::string(magic, 4) != "GGUF") {
        return make_error(
            ErrorCode::kParse,
            path + ": not a GGUF file (expected the magic bytes \"GGUF\" at offset 0)");
    }
    return Status::success();
}

bool is_rpc_device(ggml_backend_dev_t dev) {
    ggml_backend_reg_t reg = ggml_backend_dev_backend_reg(dev);
    return reg && std::string(ggml_backend_reg_name(reg)).rfind("RPC", 0) == 0;
}

Result<std::vector<ggml_backend_dev_t>> model_devices(const std::vector<std::string>& servers) {
    static std::mutex mutex;
    static std::vector<ggml_backend_dev_t> all_rpc_devices;
    std::lock_guard lock(mutex);
    std::vector<ggml_backend_dev_t> devices;
    if (!servers.empty()) {
        ggml_backend_reg_t rpc = ggml_backend_reg_by_name("RPC");
        using AddServerFn = ggml_backend_reg_t (*)(const char*);
        auto add_server = rpc ? reinterpret_cast<AddServerFn>(ggml_backend_reg_get_proc_address(
                                    rpc, "ggml_backend_rpc_add_server"))
                              : nullptr;
        if (!add_server) {
            return make_error(
                ErrorCode::kUnsupported,
                "--rpc: this llama.cpp build has no RPC backend (build it with GGML_RPC=ON)");
        }
        static std::vector<std::string> registered;
        for (const auto& server : servers) {
            BIOMEDQ_TRY(check_rpc_reachable(server));
            ggml_backend_reg_t reg = add_server(server.c_str());
            if (!reg)
                return make_error(ErrorCode::kBackend,
                                  "--rpc " + server + ": the server reports no devices");
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
        if (std::find(all_rpc_devices.begin(), all_rpc_devices.end(), dev) != all_rpc_devices.end())
            continue;
        devices.push_back(dev);
    }
    devices.push_back(nullptr);  // llama_model_params.devices is null-terminated
    return devices;
}

Result<ModelPtr> load_model(const std::string& path, const llama_model_params& params,
                            const std::string& verb) {
    ModelPtr model(llama_model_load_from_file(path.c_str(), params));
    if (model) return model;
    const std::string why = recent_llama_errors();
    const auto code = why.find("unknown model architecture") != std::string::npos
                          ? ErrorCode::kUnsupported
                          : ErrorCode::kParse;
    return make_error(code, path + ": llama.cpp could not " + verb + " the model" +
                                (why.empty() ? std::string() : ": " + why));
}

}  // namespace biomedq::llama
