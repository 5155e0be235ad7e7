#include "quant/dry_run_log.h"

#include <regex>

#include "quant/ggml_type_names.h"

namespace biomedq {

Result<std::map<std::string, ggml_type>> parse_dry_run_types(std::string_view log) {
    // Written against llama-quant.cpp's "[%4d/%4d] %-36s - [%s], type = %6s, " followed by either
    // "size = %8.2f MiB -> %8.2f MiB (%s)" or "size = %8.3f MiB".
    static const std::regex line_pattern(
        R"(\[\s*(\d+)/\s*(\d+)\]\s+(\S+)\s+-\s+\[[\d,\s]*\],\s+type\s+=\s+([^\s,]+),\s+)"
        R"(size\s+=\s+[\d.]+\s+MiB(?:\s+->\s+[\d.]+\s+MiB\s+\(([^\s)]+)\))?)");
    std::map<std::string, ggml_type> types;
    std::size_t n_announced = 0;
    std::size_t begin = 0;
    while (begin < log.size()) {
        std::size_t end = log.find('\n', begin);
        if (end == std::string_view::npos) end = log.size();
        const std::string line(log.substr(begin, end - begin));
        begin = end + 1;
        std::smatch m;
        if (!std::regex_search(line, m, line_pattern)) continue;
        n_announced = std::stoul(m[2].str());
        const std::string name = m[3].str();
        const std::string type_name = m[5].matched ? m[5].str() : m[4].str();
        const std::optional<ggml_type> type = ggml_type_from_name(type_name);
        if (!type) {
            return make_error(ErrorCode::kInternal,
                              "llama.cpp's quantization dry run gave tensor " + name + " type \"" +
                                  type_name + "\", which ggml does not name");
        }
        if (!types.emplace(name, *type).second) {
            return make_error(ErrorCode::kInternal,
                              "llama.cpp's quantization dry run listed tensor " + name + " twice");
        }
    }
    if (types.empty()) {
        return make_error(ErrorCode::kInternal,
                          "llama.cpp's quantization dry run logged no per-tensor lines (expected "
                          "\"[ i/ n] name - [shape], type = ..., size = ...\")");
    }
    if (types.size() != n_announced) {
        return make_error(ErrorCode::kInternal,
                          "llama.cpp's quantization dry run announced " +
                              std::to_string(n_announced) + " tensors, only " +
                              std::to_string(types.size()) + " of their lines could be read");
    }
    return types;
}

}  // namespace biomedq
