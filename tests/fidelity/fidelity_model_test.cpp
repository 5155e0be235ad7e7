// Fidelity and importance matrices on the tiny synthetic model (random weights: the text means
// nothing to it, but how far a quantization moves its distributions is real).
#include <ggml.h>
#include <gguf.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "biomedq/fidelity.h"
#include "biomedq/quant.h"
#include "support/paths.h"
#include "support/tiny_model.h"

namespace biomedq {
namespace {

namespace fs = std::filesystem;

std::string fixture_text() {
    std::ifstream in(test::fixtures_dir() / "fidelity" / "biomedical.txt");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

FidelityOptions options_for(const fs::path& model, FidelityMode mode = FidelityMode::kInProcess) {
    FidelityOptions o;
    o.ref_path = test::tiny_model_path();
    o.model_path = model;
    o.ctx = 128;
    o.gpu_layers = 0;
    o.threads = 2;
    o.mode = mode;
    return o;
}

// Quantized copies of the tiny model, made once per test process.
class QuantizedTiny : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = test::make_temp_dir("fidelity-quant");
        for (const char* type : {"q8_0", "q4_k_m", "q2_k"}) {
            auto t = find_quant_type(type);
            ASSERT_TRUE(t.ok());
            const fs::path out = quantized_output_path(test::tiny_model_path(), dir_, *t);
            QuantizeOptions qo;
            qo.n_threads = 2;
            auto r = quantize_model(test::tiny_model_path(), *t, out, qo);
            ASSERT_TRUE(r.ok()) << r.error().message;
            paths_[type] = out;
        }
    }
    static void TearDownTestSuite() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    static fs::path dir_;
    static std::map<std::string, fs::path> paths_;
};
fs::path QuantizedTiny::dir_;
std::map<std::string, fs::path> QuantizedTiny::paths_;

TEST(Fidelity, ModelAgainstItselfHasZeroKlAndFullAgreement) {
    auto r = measure_fidelity(options_for(test::tiny_model_path()), fixture_text());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->mode, "in_process");
    EXPECT_GE(r->n_chunks, 3u);
    EXPECT_LT(std::abs(r->kl.mean), 1e-9);
    EXPECT_LT(r->kl_max, 1e-9);
    EXPECT_EQ(r->top1_agreement.mean, 1.0);
    EXPECT_EQ(r->ppl_ratio.mean, 1.0);
    EXPECT_EQ(r->ppl_ref.mean, r->ppl_model.mean);
    EXPECT_GT(r->ppl_ref.mean, 1.0);
}

TEST_F(QuantizedTiny, KlGrowsAndAgreementFallsWithFewerBits) {
    std::map<std::string, FidelityReport> reports;
    for (const char* type : {"q8_0", "q4_k_m", "q2_k"}) {
        auto r = measure_fidelity(options_for(paths_[type]), fixture_text());
        ASSERT_TRUE(r.ok()) << r.error().message;
        reports[type] = *r;
        std::printf(
            "%-7s KL mean %.3e (se %.1e) median %.3e p99 %.3e max %.3e  top1 %.4f  "
            "ppl ratio %.5f\n",
            type, r->kl.mean, r->kl.se, r->kl_median, r->kl_p99, r->kl_max, r->top1_agreement.mean,
            r->ppl_ratio.mean);
    }
    const auto& q8 = reports["q8_0"];
    const auto& q4 = reports["q4_k_m"];
    const auto& q2 = reports["q2_k"];
    EXPECT_GT(q8.kl.mean, 0.0);
    // Strictly ordered, each step by more than two standard errors of the larger one.
    EXPECT_GT(q4.kl.mean - q8.kl.mean, 2 * q4.kl.se);
    EXPECT_GT(q2.kl.mean - q4.kl.mean, 2 * q2.kl.se);
    EXPECT_GT(q8.top1_agreement.mean, q4.top1_agreement.mean);
    EXPECT_GT(q4.top1_agreement.mean, q2.top1_agreement.mean);
    EXPECT_EQ(q8.n_tokens_scored, q2.n_tokens_scored);
}

TEST_F(QuantizedTiny, StreamedMatchesInProcess) {
    const fs::path dir = test::make_temp_dir("fidelity-stream");
    FidelityOptions in = options_for(paths_["q4_k_m"], FidelityMode::kInProcess);
    FidelityOptions st = options_for(paths_["q4_k_m"], FidelityMode::kStreamed);
    st.reference_file = dir / "ref.bin";
    in.max_tokens = st.max_tokens = 300;
    // Progress: one report per chunk and pass, counting up to the pass's total.
    std::vector<std::tuple<std::string, std::size_t, std::size_t>> in_progress, st_progress;
    in.on_progress = [&](const std::string& pass, std::size_t done, std::size_t total) {
        in_progress.emplace_back(pass, done, total);
    };
    st.on_progress = [&](const std::string& pass, std::size_t done, std::size_t total) {
        st_progress.emplace_back(pass, done, total);
    };
    auto a = measure_fidelity(in, fixture_text());
    auto b = measure_fidelity(st, fixture_text());
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(b->mode, "streamed");
    ASSERT_EQ(in_progress.size(), a->n_chunks);
    EXPECT_EQ(in_progress.back(),
              std::make_tuple(std::string("both models"), a->n_chunks, a->n_chunks));
    ASSERT_EQ(st_progress.size(), 2 * b->n_chunks);
    EXPECT_EQ(st_progress[b->n_chunks - 1],
              std::make_tuple(std::string("reference"), b->n_chunks, b->n_chunks));
    EXPECT_EQ(st_progress.back(),
              std::make_tuple(std::string("quantized"), b->n_chunks, b->n_chunks));
    EXPECT_EQ(a->n_tokens_scored, b->n_tokens_scored);
    EXPECT_EQ(b->bytes_reference_file, 16 + 16 + b->n_chunks * 4 +
                                           (b->n_tokens_scored + b->n_chunks) * 4 +
                                           reference_file_bytes(b->n_tokens_scored, b->n_vocab));
    // The stated tolerance: uint16 log-prob rounding moves KL by < 1e-5 nats; the rest is exact.
    EXPECT_NEAR(b->kl.mean, a->kl.mean, 1e-5);
    EXPECT_NEAR(b->kl_max, a->kl_max, 1e-5);
    EXPECT_EQ(b->top1_agreement.mean, a->top1_agreement.mean);
    EXPECT_NEAR(b->ppl_ref.mean, a->ppl_ref.mean, 1e-6 * a->ppl_ref.mean);
    EXPECT_EQ(b->ppl_model.mean, a->ppl_model.mean);
    fs::remove_all(dir);
}

TEST(Fidelity, MissingModelFileIsNamed) {
    auto r = measure_fidelity(options_for("/nonexistent/q.gguf"), fixture_text());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
    EXPECT_NE(r.error().message.find("/nonexistent/q.gguf"), std::string::npos)
        << r.error().message;
}

TEST(Fidelity, DifferentVocabulariesAreAConflict) {
    const fs::path dir = test::make_temp_dir("fidelity-vocab");
    auto shape = find_model_shape("tiny");
    ASSERT_TRUE(shape.ok());
    SynthOptions so;
    so.shape = *shape;
    so.vocab_path = test::llama_src_dir() / "models" / "ggml-vocab-llama-spm.gguf";
    so.n_threads = 2;
    auto synth = synthesize_model(so, dir / "spm.gguf");
    ASSERT_TRUE(synth.ok()) << synth.error().message;
    for (FidelityMode mode : {FidelityMode::kInProcess, FidelityMode::kStreamed}) {
        auto r = measure_fidelity(options_for(dir / "spm.gguf", mode), fixture_text());
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::kConflict);
        EXPECT_NE(r.error().message.find("vocabular"), std::string::npos) << r.error().message;
    }
    fs::remove_all(dir);
}

TEST(Fidelity, TextTooShortAndBadContext) {
    auto r = measure_fidelity(options_for(test::tiny_model_path()), "");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    FidelityOptions o = options_for(test::tiny_model_path());
    o.ctx = 4;
    r = measure_fidelity(o, fixture_text());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("--ctx"), std::string::npos);
}

// The tiny model on the CPU in 128-token chunks.
ImatrixOptions tiny_imatrix_options() {
    ImatrixOptions o;
    o.model_path = test::tiny_model_path();
    o.ctx = 128;
    o.gpu_layers = 0;
    o.threads = 2;
    return o;
}

TEST(Imatrix, ProducedAndAcceptedByQuantize) {
    const fs::path dir = test::make_temp_dir("fidelity-imatrix");
    ImatrixOptions o = tiny_imatrix_options();
    o.datasets = {"fixtures/fidelity/biomedical.txt"};
    auto report = compute_imatrix(o, fixture_text(), dir / "tiny.imatrix");
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_GE(report->n_chunks, 3u);
    EXPECT_EQ(report->n_tokens, report->n_chunks * 128);
    // 2 layers x 7 weight matrices (q, k, v, o, gate, up, down).
    EXPECT_EQ(report->n_entries, 14u);
    for (const char* type : {"iq2_xxs", "q2_k_s"}) {
        auto t = find_quant_type(type);
        ASSERT_TRUE(t.ok());
        ASSERT_TRUE(t->needs_imatrix);
        QuantizeOptions qo;
        qo.imatrix_path = dir / "tiny.imatrix";
        qo.n_threads = 2;
        auto q =
            quantize_model(test::tiny_model_path(), *t, dir / (std::string(type) + ".gguf"), qo);
        ASSERT_TRUE(q.ok()) << type << ": " << q.error().message;
        // The low-bit type really was used (token_embd, most of the tiny model, stays larger).
        auto info = read_model_info(q->path);
        ASSERT_TRUE(info.ok());
        const char* main_type = std::string(type) == "iq2_xxs" ? "iq2_xxs" : "q2_K";
        EXPECT_GT(info->n_params_by_type[main_type], 0u) << type;
    }
    // The file holds, per weight, the column sums of squared inputs and the rows seen: q, k and v
    // read the same normalized input, so their statistics are identical.
    ggml_context* meta = nullptr;
    gguf_context* g = gguf_init_from_file((dir / "tiny.imatrix").c_str(), {false, &meta});
    ASSERT_NE(g, nullptr);
    EXPECT_STREQ(gguf_get_val_str(g, gguf_find_key(g, "general.type")), "imatrix");
    EXPECT_EQ(gguf_get_val_u32(g, gguf_find_key(g, "imatrix.chunk_size")), 128u);
    EXPECT_EQ(gguf_get_val_u32(g, gguf_find_key(g, "imatrix.chunk_count")), report->n_chunks);
    const ggml_tensor* q_sums = ggml_get_tensor(meta, "blk.0.attn_q.weight.in_sum2");
    const ggml_tensor* v_sums = ggml_get_tensor(meta, "blk.0.attn_v.weight.in_sum2");
    const ggml_tensor* q_counts = ggml_get_tensor(meta, "blk.0.attn_q.weight.counts");
    ASSERT_TRUE(q_sums && v_sums && q_counts);
    EXPECT_EQ(q_sums->ne[0], 256);
    EXPECT_EQ(static_cast<const float*>(q_counts->data)[0], static_cast<float>(report->n_tokens));
    for (int j = 0; j < 256; ++j) {
        EXPECT_EQ(static_cast<const float*>(q_sums->data)[j],
                  static_cast<const float*>(v_sums->data)[j]);
    }
    gguf_free(g);
    ggml_free(meta);
    fs::remove_all(dir);
}

TEST(Imatrix, TextShorterThanOneChunkIsAnError) {
    const fs::path dir = test::make_temp_dir("fidelity-imatrix-short");
    auto r = compute_imatrix(tiny_imatrix_options(), "Aspirin inhibits platelet aggregation.",
                             dir / "x.imatrix");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(fs::exists(dir / "x.imatrix"));
    fs::remove_all(dir);
}

TEST(TaskText, CalibrationRefusesTasksWithoutTrainOrDev) {
    auto r = calibration_text({"litcovid"}, test::tasks_dir(), test::shared_data_dir());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("litcovid: declares no train or dev split"), std::string::npos)
        << r.error().message;
    auto unknown =
        task_split_text("no-such-task", "test", test::tasks_dir(), test::shared_data_dir());
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace biomedq
