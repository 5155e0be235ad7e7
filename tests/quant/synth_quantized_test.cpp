// `biomedq synth --type q4_k_m` and friends: the model is written straight into a llama.cpp
// quantized type, with llama.cpp's own per-tensor mixture. The reference for "llama.cpp's own" is
// llama.cpp: the same F16 synth model run through quantize_model (llama_model_quantize) must give a
// file with the same type for every tensor and the same size.
#include <ggml.h>
#include <gguf.h>
#include <gtest/gtest.h>
#include <llama.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "biomedq/quant.h"
#include "llama/log_capture.h"
#include "model_fixture.h"
#include "quant/quant_mixture.h"
#include "quant/synth_gguf.h"
#include "support/paths.h"

namespace biomedq::test {
namespace {

namespace fs = std::filesystem;

struct GgufClose {
    void operator()(gguf_context* ctx) const { gguf_free(ctx); }
};
using Gguf = std::unique_ptr<gguf_context, GgufClose>;

Gguf open_gguf(const fs::path& path) {
    return Gguf(gguf_init_from_file(path.c_str(), gguf_init_params{true, nullptr}));
}

std::map<std::string, std::string> tensor_type_names(const fs::path& path) {
    std::map<std::string, std::string> out;
    Gguf ctx = open_gguf(path);
    if (!ctx) return out;
    for (int64_t i = 0; i < gguf_get_n_tensors(ctx.get()); ++i) {
        out[gguf_get_tensor_name(ctx.get(), i)] =
            ggml_type_name(gguf_get_tensor_type(ctx.get(), i));
    }
    return out;
}

uint32_t file_type_of(const fs::path& path) {
    Gguf ctx = open_gguf(path);
    return gguf_get_val_u32(ctx.get(), gguf_find_key(ctx.get(), "general.file_type"));
}

// Row `row` of a tensor with `ne0` weights per row, dequantized with ggml.
std::vector<float> read_row(const fs::path& path, const std::string& tensor, int64_t ne0,
                            int64_t row) {
    Gguf ctx = open_gguf(path);
    const int64_t id = gguf_find_tensor(ctx.get(), tensor.c_str());
    const ggml_type type = gguf_get_tensor_type(ctx.get(), id);
    const std::size_t bytes_row = ggml_row_size(type, ne0);
    std::vector<char> bytes(bytes_row);
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(gguf_get_data_offset(ctx.get()) +
                                         gguf_get_tensor_offset(ctx.get(), id) +
                                         static_cast<std::size_t>(row) * bytes_row));
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::vector<float> values(static_cast<std::size_t>(ne0));
    ggml_get_type_traits(type)->to_float(bytes.data(), values.data(), ne0);
    return values;
}

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::vector<std::string> listing(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
}

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = quant_temp_dir() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

SynthOptions options_for(const std::string& shape_id, const std::string& vocab_file,
                         const std::string& type) {
    SynthOptions options;
    options.shape = *find_model_shape(shape_id);
    options.vocab_path = llama_src_dir() / "models" / vocab_file;
    options.type = type;
    options.n_threads = 2;
    return options;
}

struct MixtureCase {
    const char* type;
    const char* shape;  // "tiny" means the tiny shape with the spm vocab (tiny_spm_model_path)
};

class SynthQuantizedMixture : public ::testing::TestWithParam<MixtureCase> {};

TEST_P(SynthQuantizedMixture, SameTensorTypesAndSizeAsLlamaQuantizeOfTheF16Model) {
    const MixtureCase c = GetParam();
    const bool tiny = std::string(c.shape) == "tiny";
    const fs::path f16 = tiny ? tiny_spm_model_path() : small_model_path();
    const fs::path dir = fresh_dir(std::string("mix-") + c.shape + "-" + c.type);
    auto type = find_quant_type(c.type);
    ASSERT_TRUE(type.ok());

    const fs::path direct = dir / "direct.gguf";
    auto report =
        synthesize_model(options_for(c.shape, "ggml-vocab-llama-spm.gguf", c.type), direct);
    ASSERT_TRUE(report.ok()) << report.error().message;
    const fs::path reference = dir / "reference.gguf";
    QuantizeOptions two_threads;
    two_threads.n_threads = 2;
    auto quantized = quantize_model(f16, *type, reference, two_threads);
    ASSERT_TRUE(quantized.ok()) << quantized.error().message;

    const auto direct_types = tensor_type_names(direct);
    const auto reference_types = tensor_type_names(reference);
    ASSERT_FALSE(reference_types.empty());
    EXPECT_EQ(direct_types, reference_types);
    EXPECT_EQ(fs::file_size(direct), fs::file_size(reference));
    EXPECT_EQ(report->bytes_file, fs::file_size(reference));
    EXPECT_EQ(file_type_of(direct), static_cast<uint32_t>(type->ftype));
    EXPECT_EQ(report->n_params, quantized->n_params);
    // Nothing but the model is left next to it.
    EXPECT_EQ(listing(dir), (std::vector<std::string>{"direct.gguf", "reference.gguf"}));
}

INSTANTIATE_TEST_SUITE_P(
    Types, SynthQuantizedMixture,
    ::testing::Values(MixtureCase{"q8_0", "tiny"}, MixtureCase{"iq4_xs", "tiny"},
                      MixtureCase{"q4_k_m", "small"}, MixtureCase{"q3_k_m", "small"}),
    [](const auto& param_info) {
        return std::string(param_info.param.type) + "_" + param_info.param.shape;
    });

TEST(SynthQuantized, Q4KMIsAMixtureNotOneType) {
    // Pins what the equality test above compares: llama.cpp's q4_k_m on the small shape (8 layers,
    // untied output) keeps norms f32, puts output.weight in q6_K and some attn_v/ffn_down in q6_K.
    const fs::path out = fresh_dir("mixture") / "small-q4_k_m.gguf";
    ASSERT_TRUE(
        synthesize_model(options_for("small", "ggml-vocab-llama-spm.gguf", "q4_k_m"), out).ok());
    const auto types = tensor_type_names(out);
    EXPECT_EQ(types.at("output.weight"), "q6_K");
    EXPECT_EQ(types.at("token_embd.weight"), "q4_K");
    EXPECT_EQ(types.at("output_norm.weight"), "f32");
    EXPECT_EQ(types.at("blk.0.attn_q.weight"), "q4_K");
    EXPECT_EQ(types.at("blk.0.attn_v.weight"), "q6_K");
    EXPECT_EQ(types.at("blk.0.ffn_down.weight"), "q6_K");
    EXPECT_EQ(types.at("blk.1.ffn_down.weight"), "q4_K");
}

TEST(SynthQuantized, Q8ValuesAreTheF16ModelsWeights) {
    // Same seed, same RNG streams: the q8_0 weights are the f16 model's up to q8_0 rounding
    // (half a step of amax/127 per 32-weight block, about 2e-4 for N(0, 0.02) weights).
    const fs::path out = fresh_dir("q8-values") / "tiny-q8_0.gguf";
    ASSERT_TRUE(
        synthesize_model(options_for("tiny", "ggml-vocab-llama-spm.gguf", "q8_0"), out).ok());
    for (const auto& [tensor, row] :
         std::vector<std::pair<std::string, int64_t>>{{"token_embd.weight", 31999},
                                                      {"blk.1.attn_q.weight", 7},
                                                      {"blk.0.ffn_up.weight", 511}}) {
        const std::vector<float> q8 = read_row(out, tensor, 256, row);
        const std::vector<float> f16 = read_row(tiny_spm_model_path(), tensor, 256, row);
        double max_diff = 0;
        double mean_abs = 0;
        for (std::size_t i = 0; i < q8.size(); ++i) {
            max_diff = std::max(max_diff, static_cast<double>(std::fabs(q8[i] - f16[i])));
            mean_abs += std::fabs(f16[i]) / static_cast<double>(q8.size());
        }
        EXPECT_LT(max_diff, 5e-4) << tensor;
        EXPECT_NEAR(mean_abs, 0.016, 0.003) << tensor;  // E|N(0, 0.02)| = 0.02 * sqrt(2/pi)
    }
}

struct ModelFree {
    void operator()(llama_model* m) const { llama_model_free(m); }
};
struct ContextFree {
    void operator()(llama_context* c) const { llama_free(c); }
};

TEST(SynthQuantized, Q4KMModelLoadsAndGenerates) {
    const fs::path out = fresh_dir("generate") / "tiny-q4_k_m.gguf";
    ASSERT_TRUE(
        synthesize_model(options_for("tiny", "ggml-vocab-llama-spm.gguf", "q4_k_m"), out).ok());
    const llama::LogCapture quiet;  // llama.cpp's load banners stay off the test output
    std::unique_ptr<llama_model, ModelFree> model(
        llama_model_load_from_file(out.c_str(), llama_model_default_params()));
    ASSERT_TRUE(model);
    // 32000 * 256 (tied embeddings) + 256 + 2 * 590336, as in the f16 model.
    EXPECT_EQ(llama_model_n_params(model.get()), 9372928u);
    llama_context_params cparams = llama_context_default_params();
    cparams.n_ctx = 128;
    cparams.n_threads = 2;
    cparams.n_threads_batch = 2;
    std::unique_ptr<llama_context, ContextFree> ctx(llama_init_from_model(model.get(), cparams));
    ASSERT_TRUE(ctx);
    const llama_vocab* vocab = llama_model_get_vocab(model.get());
    std::vector<llama_token> tokens(16);
    const int n = llama_tokenize(vocab, "Hello world", 11, tokens.data(), 16, true, false);
    ASSERT_GT(n, 0);
    tokens.resize(static_cast<std::size_t>(n));
    // Greedy: four decodes, each giving finite logits over the whole vocabulary.
    llama_batch batch = llama_batch_get_one(tokens.data(), n);
    llama_token next = 0;
    for (int step = 0; step < 4; ++step) {
        ASSERT_EQ(llama_decode(ctx.get(), batch), 0) << "step " << step;
        const float* logits = llama_get_logits_ith(ctx.get(), -1);
        ASSERT_NE(logits, nullptr);
        const int n_vocab = llama_vocab_n_tokens(vocab);
        EXPECT_TRUE(
            std::all_of(logits, logits + n_vocab, [](float v) { return std::isfinite(v); }));
        next = static_cast<llama_token>(std::max_element(logits, logits + n_vocab) - logits);
        batch = llama_batch_get_one(&next, 1);
    }
}

TEST(SynthQuantized, SameSeedSameBytesWhateverTheThreadCount) {
    const fs::path dir = fresh_dir("threads");
    SynthOptions options = options_for("tiny", "ggml-vocab-llama-spm.gguf", "q4_k_m");
    options.shape.n_layer = 1;
    options.n_threads = 1;
    ASSERT_TRUE(synthesize_model(options, dir / "a.gguf").ok());
    options.n_threads = 3;
    ASSERT_TRUE(synthesize_model(options, dir / "b.gguf").ok());
    const std::string a = read_bytes(dir / "a.gguf");
    EXPECT_GT(a.size(), 4000000u);
    EXPECT_TRUE(a == read_bytes(dir / "b.gguf"));
    options.seed = 7;
    ASSERT_TRUE(synthesize_model(options, dir / "c.gguf").ok());
    EXPECT_FALSE(a == read_bytes(dir / "c.gguf"));
}

TEST(SynthQuantized, ZeroWeightsGiveTheSameLayoutInASparseFileThatStillRuns) {
    const fs::path dir = fresh_dir("zero");
    SynthOptions options = options_for("small", "ggml-vocab-llama-bpe.gguf", "q4_k_m");
    ASSERT_TRUE(synthesize_model(options, dir / "random.gguf").ok());
    options.zero_weights = true;
    auto zero = synthesize_model(options, dir / "zero.gguf");
    ASSERT_TRUE(zero.ok()) << zero.error().message;
    // Same tensor types, so the same size but for the header's longer general.name (one 32-byte
    // alignment step)...
    EXPECT_LE(fs::file_size(dir / "zero.gguf") - fs::file_size(dir / "random.gguf"), 32u);
    EXPECT_EQ(tensor_type_names(dir / "zero.gguf"), tensor_type_names(dir / "random.gguf"));
    // ...but only the header takes disk blocks.
    struct stat st {};
    ASSERT_EQ(::stat((dir / "zero.gguf").c_str(), &st), 0);
    EXPECT_LT(static_cast<uint64_t>(st.st_blocks) * 512u, fs::file_size(dir / "zero.gguf") / 10);
    auto info = read_model_info(dir / "zero.gguf");
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_NE(info->name.find("zero-weights"), std::string::npos) << info->name;
    // llama.cpp loads and decodes it: every logit is exactly 0.
    const llama::LogCapture quiet;  // llama.cpp's load banners stay off the test output
    std::unique_ptr<llama_model, ModelFree> model(
        llama_model_load_from_file((dir / "zero.gguf").c_str(), llama_model_default_params()));
    ASSERT_TRUE(model);
    llama_context_params cparams = llama_context_default_params();
    cparams.n_ctx = 64;
    cparams.n_threads = 2;
    std::unique_ptr<llama_context, ContextFree> ctx(llama_init_from_model(model.get(), cparams));
    ASSERT_TRUE(ctx);
    llama_token token = 1;
    ASSERT_EQ(llama_decode(ctx.get(), llama_batch_get_one(&token, 1)), 0);
    const float* logits = llama_get_logits_ith(ctx.get(), -1);
    const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model.get()));
    EXPECT_TRUE(std::all_of(logits, logits + n_vocab, [](float v) { return v == 0.0f; }));
}

TEST(SynthQuantized, ProgressIsReportedOnTheCallingThreadAndNeverPassesTheTotal) {
    SynthOptions options = options_for("small", "ggml-vocab-llama-bpe.gguf", "q4_k_m");
    options.progress_interval_s = 0;  // every poll
    std::vector<std::pair<uint64_t, uint64_t>> reports;
    const auto caller = std::this_thread::get_id();
    bool same_thread = true;
    options.on_progress = [&](uint64_t done, uint64_t total) {
        reports.emplace_back(done, total);
        same_thread = same_thread && std::this_thread::get_id() == caller;
    };
    auto report = synthesize_model(options, fresh_dir("progress") / "small-q4_k_m.gguf");
    ASSERT_TRUE(report.ok()) << report.error().message;
    ASSERT_FALSE(reports.empty());
    EXPECT_TRUE(same_thread);
    for (std::size_t i = 0; i < reports.size(); ++i) {
        EXPECT_EQ(reports[i].second, report->n_params);
        EXPECT_LE(reports[i].first, reports[i].second);
        if (i > 0) {
            EXPECT_GE(reports[i].first, reports[i - 1].first);
        }
    }
}

TEST(SynthQuantized, TypesNeedingAnImatrixAreRefusedByName) {
    const fs::path dir = fresh_dir("imatrix");
    for (const char* name : {"iq2_xs", "q2_k_s", "iq1_s"}) {
        auto r = synthesize_model(options_for("tiny", "ggml-vocab-llama-spm.gguf", name),
                                  dir / "never.gguf");
        ASSERT_FALSE(r.ok()) << name;
        EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
        EXPECT_EQ(
            r.error().message.rfind(std::string("quantization type ") + name +
                                        " needs an importance matrix, and random weights "
                                        "have none; synth writes these types: f32, f16, bf16, "
                                        "q8_0, q6_k,",
                                    0),
            0u)
            << r.error().message;
    }
    EXPECT_TRUE(listing(dir).empty());
}

TEST(SynthQuantized, UnknownTypeSuggestsTheClosestOne) {
    auto r = synthesize_model(options_for("tiny", "ggml-vocab-llama-spm.gguf", "q4_km"),
                              quant_temp_dir() / "never.gguf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
    EXPECT_EQ(
        r.error().message.rfind(
            "unknown quantization type \"q4_km\" (did you mean \"q4_k_m\"?); known types: ", 0),
        0u)
        << r.error().message;
}

TEST(SynthQuantized, LayoutFileIsGoneAfterAFailedDryRun) {
    // llama.cpp rejects the ftype itself, after the layout file was written.
    const fs::path dir = fresh_dir("dry-run-fails");
    auto gguf =
        make_synth_gguf(options_for("tiny", "ggml-vocab-llama-spm.gguf", "f16"), GGML_TYPE_F16, 1);
    ASSERT_TRUE(gguf.ok());
    const QuantType bogus{"bogus", 9999, 4.0, false};
    auto types = llama_quant_mixture(gguf->meta.get(), bogus, dir / "m.gguf");
    ASSERT_FALSE(types.ok());
    EXPECT_EQ(types.error().code, ErrorCode::kBackend);
    EXPECT_EQ(types.error().message.rfind("llama.cpp's quantization dry run for bogus failed: ", 0),
              0u)
        << types.error().message;
    EXPECT_TRUE(listing(dir).empty());
}

TEST(SynthQuantized, NoScratchFileIsLeftAfterALateError) {
    // The output path is a non-empty directory: everything succeeds up to the final rename.
    const fs::path dir = fresh_dir("late-error");
    fs::create_directories(dir / "taken.gguf");
    std::ofstream(dir / "taken.gguf" / "keep").put('x');
    auto r = synthesize_model(options_for("tiny", "ggml-vocab-llama-spm.gguf", "q4_k_m"),
                              dir / "taken.gguf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kIo);
    EXPECT_EQ(listing(dir), std::vector<std::string>{"taken.gguf"});
}

TEST(SynthQuantized, LayoutMatchesWhatTheF16SynthWrites) {
    // The layout llama.cpp reads is the f16 synth model's header; its size is the f16 file's.
    auto gguf =
        make_synth_gguf(options_for("tiny", "ggml-vocab-llama-spm.gguf", "f16"), GGML_TYPE_F16, 1);
    ASSERT_TRUE(gguf.ok());
    EXPECT_EQ(gguf_bytes_file(gguf->meta.get()), fs::file_size(tiny_spm_model_path()));
    const std::vector<char> header = gguf_meta_bytes(gguf->meta.get());
    const std::string f16 = read_bytes(tiny_spm_model_path());
    EXPECT_TRUE(std::equal(header.begin(), header.end(), f16.begin()));
}

}  // namespace
}  // namespace biomedq::test
