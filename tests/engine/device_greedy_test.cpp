// Greedy choice on the device (llama.cpp's backend sampler) gives the text the host's argmax gives,
// and a call that needs the logits on the host (a grammar, log-likelihood) still gets them.
#include <gtest/gtest.h>

#include "biomedq/engine.h"
#include "tiny_engine.h"

namespace biomedq {
namespace {

std::unique_ptr<Engine> load_tiny(bool device_sampling) {
    EngineOptions o = test::tiny_engine_options(3, 256);
    o.device_sampling = device_sampling;
    return test::load_engine(o);
}

std::vector<GenerationResult> generate_all(Engine& engine, const std::string& grammar = "") {
    std::vector<GenerationRequest> requests;
    for (const char* p : {"Aspirin inhibits", "The patient presented with", "Metformin is",
                          "Question: is BRCA1 a tumour suppressor? Answer:", "Cisplatin"}) {
        GenerationRequest r;
        r.prompt = p;
        r.max_tokens = 10;
        r.grammar = grammar;
        requests.push_back(r);
    }
    return test::generate_each(engine, requests);
}

TEST(DeviceGreedy, ChoosesTheTokensTheHostArgmaxChooses) {
    auto device = load_tiny(true);
    auto host = load_tiny(false);
    ASSERT_TRUE(device && host);
    const auto on_device = generate_all(*device);
    const auto on_host = generate_all(*host);
    EXPECT_GT(device->stats().n_tokens_sampled_on_device, 0u);
    EXPECT_EQ(host->stats().n_tokens_sampled_on_device, 0u);
    for (std::size_t i = 0; i < on_host.size(); ++i) {
        EXPECT_EQ(on_device[i].text, on_host[i].text) << i;
        EXPECT_EQ(on_device[i].n_tokens_generated, on_host[i].n_tokens_generated) << i;
        EXPECT_FALSE(on_host[i].text.empty());
    }
}

TEST(DeviceGreedy, AGrammarAndLogLikelihoodAfterwardsStillSeeTheLogits) {
    auto device = load_tiny(true);
    auto host = load_tiny(false);
    ASSERT_TRUE(device && host);
    (void)generate_all(*device);  // leaves no sampler attached
    const std::string yes_no = "root ::= \"yes\" | \"no\"";
    const auto constrained = generate_all(*device, yes_no);
    for (const auto& r : constrained) EXPECT_TRUE(r.text == "yes" || r.text == "no") << r.text;
    const std::vector<LoglikRequest> requests = {{"Aspirin inhibits", " platelets"},
                                                 {"Aspirin inhibits", " the"}};
    auto a = device->loglik(requests);
    auto b = host->loglik(requests);
    ASSERT_TRUE(a.ok() && b.ok());
    for (std::size_t i = 0; i < requests.size(); ++i)
        EXPECT_NEAR(a.value()[i].logprob, b.value()[i].logprob, 1e-5);
}

}  // namespace
}  // namespace biomedq
