// Catalog shapes sized by llama.cpp (issue 15): a zero-weight sparse file of the shape is
// synthesized, simulated, deleted, and the answer cached per pinned llama.cpp version.
#include "runner/catalog_memory.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "biomedq/build_info.h"
#include "support/paths.h"

namespace biomedq::runner {
namespace {

const ModelShape& shape_named(const std::string& id) {
    for (const auto& s : model_catalog()) {
        if (s.id == id) return s;
    }
    ADD_FAILURE() << "no shape " << id;
    return model_catalog().front();
}

class CatalogMemory : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = test::make_temp_dir("catalog-memory");
        ASSERT_EQ(setenv("BIOMEDQ_CACHE", dir_.c_str(), 1), 0);
    }
    void TearDown() override {
        unsetenv("BIOMEDQ_CACHE");
        if (!HasFailure()) std::filesystem::remove_all(dir_);
    }
    std::filesystem::path vocab_dir() const {
        return std::filesystem::path(build_info::kLlamaSrcDir) / "models";
    }
    std::filesystem::path dir_;
};

TEST_F(CatalogMemory, SimulatedOnceThenReadFromTheCacheOfThePinnedVersion) {
    const ModelShape& tiny = shape_named("tiny");
    MemoryRequest request;
    request.ctx_per_seq = 512;
    request.n_gpu_layers = -1;
    auto first = simulate_catalog_shape(tiny, request, vocab_dir());
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_FALSE(first->cached);
    EXPECT_EQ(first->cache_file.parent_path(),
              dir_ / (std::string("catalog-") + build_info::kLlamaCppTag));
    EXPECT_TRUE(std::filesystem::exists(first->cache_file));
    // tiny: 2 layers x 512 cells x (K + V) x 2 KV heads x 64 x 2 bytes, all of it on the (virtual)
    // GPU.
    EXPECT_EQ(first->f16.bytes_kv, 2ull * 512 * 2 * 2 * 64 * 2);
    EXPECT_EQ(first->f16.bytes_kv_gpu, first->f16.bytes_kv);
    EXPECT_GT(first->f16.bytes_compute, 0u);
    // The token embeddings stay on the host; every other F16 weight is counted on the GPU.
    const ModelInfo f16 = model_info_for_shape(tiny, *find_quant_type("f16"));
    EXPECT_EQ(first->f16.bytes_weights_host, f16.bytes_token_embd);
    EXPECT_GE(first->f16.bytes_weights_gpu + first->f16.bytes_weights_host, f16.bytes_tensors);
    // No synthesized file is left behind: only the answer.
    std::size_t n_files = 0;
    for (const auto& e : std::filesystem::directory_iterator(first->cache_file.parent_path())) {
        EXPECT_EQ(e.path().extension(), ".json") << e.path();
        ++n_files;
    }
    EXPECT_EQ(n_files, 1u);

    auto again = simulate_catalog_shape(tiny, request, vocab_dir());
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_TRUE(again->cached);
    EXPECT_EQ(again->f16.bytes_kv, first->f16.bytes_kv);
    EXPECT_EQ(again->f16.bytes_compute, first->f16.bytes_compute);
    EXPECT_EQ(again->f16.bytes_weights_gpu, first->f16.bytes_weights_gpu);

    // Another context is another entry.
    request.ctx_per_seq = 1024;
    auto longer = simulate_catalog_shape(tiny, request, vocab_dir());
    ASSERT_TRUE(longer.ok()) << longer.error().message;
    EXPECT_FALSE(longer->cached);
    EXPECT_EQ(longer->f16.bytes_kv, 2 * first->f16.bytes_kv);
}

// Every catalog architecture is simulated: Gemma-2 (sliding-window layers, tied head, a padded
// vocabulary) and Phi-3 (fused attention and feed-forward) at the published shape. The formula,
// which answered for them before, agrees with llama.cpp's simulation on KV cache and logits
// exactly, and the weights the simulation placed are the shape's F16 tensors.
TEST_F(CatalogMemory, Gemma2AndPhi3AreSimulatedAtTheirPublishedShapes) {
    MemoryRequest request;
    request.ctx_per_seq = 4096;
    request.n_gpu_layers = -1;
    for (const std::string id : {"gemma-2-9b", "phi-3-medium"}) {
        SCOPED_TRACE(id);
        const ModelShape& shape = shape_named(id);
        auto sim = simulate_catalog_shape(shape, request, vocab_dir());
        ASSERT_TRUE(sim.ok()) << sim.error().message;
        const ModelInfo f16 = model_info_for_shape(shape, *find_quant_type("f16"));
        const MemoryEstimate formula = estimate_memory(f16, request);
        EXPECT_EQ(sim->f16.bytes_kv, formula.bytes_kv);
        EXPECT_EQ(sim->f16.bytes_output, formula.bytes_output);
        const auto weights =
            static_cast<double>(sim->f16.bytes_weights_gpu + sim->f16.bytes_weights_host);
        EXPECT_NEAR(weights / static_cast<double>(f16.bytes_tensors), 1.0, 0.01);
        EXPECT_EQ(sim->f16.bytes_weights_host, f16.bytes_token_embd);
    }
}

TEST_F(CatalogMemory, AMissingVocabFileIsRefusedAsAValue) {
    MemoryRequest request;
    auto no_vocab = simulate_catalog_shape(shape_named("tiny"), request, dir_ / "nowhere");
    ASSERT_FALSE(no_vocab.ok());
    EXPECT_EQ(no_vocab.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace biomedq::runner
