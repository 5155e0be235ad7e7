// One synthesized tiny model (and one "small" model) per test process, shared by all quant tests:
// synthesis takes about a second, so tests reuse the files instead of writing their own.
// Header-only because the test build compiles *_test.cpp files only; inline functions keep one
// static per process.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "biomedq/quant.h"
#include "support/paths.h"

namespace biomedq::test {

namespace detail {

struct TempDirOwner {
    std::filesystem::path path = make_temp_dir("quant");
    ~TempDirOwner() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

[[noreturn]] inline void fixture_failed(const std::string& what) {
    std::fprintf(stderr, "quant test fixture: %s\n", what.c_str());
    std::abort();
}

// Synthesizes the catalog shape `shape_id` into `out` with `options` (type, zero weights) and the
// tokenizer `vocab_file` in llama.cpp's models/ folder (empty: the shape's own); returns `out`. A
// failure aborts.
inline std::filesystem::path synthesize_shape(const std::string& shape_id,
                                              const std::string& vocab_file, SynthOptions options,
                                              const std::filesystem::path& out) {
    auto shape = find_model_shape(shape_id);
    if (!shape.ok()) fixture_failed(shape.error().message);
    options.shape = *shape;
    options.vocab_path =
        llama_src_dir() / "models" / (vocab_file.empty() ? shape->vocab_file : vocab_file);
    auto report = synthesize_model(options, out);
    if (!report.ok()) fixture_failed(report.error().message);
    return out;
}

}  // namespace detail

// A temp directory removed at process exit.
inline const std::filesystem::path& quant_temp_dir() {
    static detail::TempDirOwner dir;
    return dir.path;
}

// The "tiny" shape in f16 with the llama-bpe tokenizer.
inline const std::filesystem::path& tiny_model_path() {
    static const std::filesystem::path path = [] {
        auto out = quant_temp_dir() / "tiny.gguf";
        Status s = synthesize_tiny_model(llama_src_dir(), out);
        if (!s.ok()) detail::fixture_failed(s.error().message);
        return out;
    }();
    return path;
}

// The "small" shape (8 layers, n_embd 512, llama-spm tokenizer) in f16.
inline const std::filesystem::path& small_model_path() {
    static const std::filesystem::path path =
        detail::synthesize_shape("small", "", SynthOptions{}, quant_temp_dir() / "small.gguf");
    return path;
}

// The "tiny" shape with the 32000-token llama-spm vocab: a quarter of tiny's weights, so the
// quantization tests (which quantize 6 types) stay fast. Named tiny-spm.gguf.
inline const std::filesystem::path& tiny_spm_model_path() {
    static const std::filesystem::path path = detail::synthesize_shape(
        "tiny", "ggml-vocab-llama-spm.gguf", SynthOptions{}, quant_temp_dir() / "tiny-spm.gguf");
    return path;
}

// A catalog shape synthesized with zero weights (a sparse file: only the header takes disk and
// time) in `type`, with the shape's own tokenizer; one file per (shape, type) per process.
inline std::filesystem::path zero_weight_model_path(const std::string& shape_id,
                                                    const std::string& type) {
    static std::mutex mutex;
    static std::map<std::string, std::filesystem::path> made;
    std::lock_guard lock(mutex);
    const std::string key = shape_id + "-" + type;
    if (auto it = made.find(key); it != made.end()) return it->second;
    SynthOptions options;
    options.type = type;
    options.zero_weights = true;
    const auto out =
        detail::synthesize_shape(shape_id, "", options, quant_temp_dir() / (key + "-zero.gguf"));
    made.emplace(key, out);
    return out;
}

}  // namespace biomedq::test
