#include "engine/cpu_backend_check.h"

#include <dlfcn.h>

#include <fstream>
#include <string>

#include "core/cpu_features.h"

namespace biomedq {

std::filesystem::path loaded_llama_cpu_library() {
    // dlsym, not &symbol: in an executable the address of an external function can be a local stub.
    void* symbol = ::dlsym(RTLD_DEFAULT, "ggml_backend_cpu_init");
    Dl_info info{};
    if (symbol == nullptr || ::dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) return {};
    return std::filesystem::path(info.dli_fname);
}

Status check_cpu_runs_llama_backend() {
    const std::filesystem::path library = loaded_llama_cpu_library();
    if (library.empty()) return Status::success();
    const std::filesystem::path record =
        std::filesystem::weakly_canonical(library).parent_path().parent_path() /
        "biomedq-cpu-features.txt";
    std::ifstream in(record);
    std::string required;
    if (!in || !std::getline(in, required)) return Status::success();
    return check_cpu_has(required, "the llama.cpp CPU backend " + library.string());
}

}  // namespace biomedq
