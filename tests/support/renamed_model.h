// A copy of a GGUF model with another general.name: the header rewritten (gguf computes the new
// size), the tensor data copied byte for byte after it. For tests of metadata of hostile length.
// Header-only: the binaries that use it link llama.cpp's gguf; the support library does not.
#pragma once

#include <gguf.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "llama/gguf_reader.h"
#include "quant/synth_gguf.h"

namespace biomedq::test {

// Writes `out`; returns false (and leaves a partial file) when `source` cannot be read.
inline bool write_renamed_model(const std::filesystem::path& source, const std::string& name,
                                const std::filesystem::path& out) {
    auto meta = llama::open_gguf_metadata(source);
    if (!meta.ok()) return false;
    const auto data_offset = static_cast<std::streamoff>(gguf_get_data_offset(meta->get()));
    gguf_set_val_str(meta->get(), "general.name", name.c_str());
    const std::vector<char> header = gguf_meta_bytes(meta->get());
    std::ifstream in(source, std::ios::binary);
    in.seekg(data_offset);
    const std::vector<char> data((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    file.write(header.data(), static_cast<std::streamsize>(header.size()));
    file.write(data.data(), static_cast<std::streamsize>(data.size()));
    return static_cast<bool>(file);
}

}  // namespace biomedq::test
