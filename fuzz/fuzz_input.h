// Helpers shared by the fuzz targets: the code under test reads files, so each input is written to
// a per-process temporary file (libFuzzer may run several jobs in one folder), and multi-file
// inputs are split on NUL bytes, which none of the text formats contain.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace biomedq::fuzz {

inline std::filesystem::path scratch_dir() {
    static const std::filesystem::path dir = [] {
        auto d =
            std::filesystem::temp_directory_path() / ("biomedq-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

inline std::filesystem::path write_scratch(const std::string& name, std::string_view bytes) {
    const auto path = scratch_dir() / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

// Splits on '\0' into exactly `n` parts (missing parts are empty; extra NULs stay in the last
// part).
inline std::vector<std::string_view> split_parts(std::string_view input, std::size_t n) {
    std::vector<std::string_view> parts;
    while (parts.size() + 1 < n) {
        const auto at = input.find('\0');
        if (at == std::string_view::npos) break;
        parts.push_back(input.substr(0, at));
        input.remove_prefix(at + 1);
    }
    parts.push_back(input);
    while (parts.size() < n) parts.emplace_back();
    return parts;
}

inline std::string_view as_view(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace biomedq::fuzz
