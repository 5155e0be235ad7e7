// Prefix reuse changes what is decoded, never what comes out: the same requests with reuse on and
// off give the same greedy text and the same log-likelihoods (the tiny synthetic model on CPU, the
// same parallel and batch sizes), while far fewer prompt tokens are decoded.
#include <gtest/gtest.h>

#include <cmath>

#include "biomedq/engine.h"
#include "tiny_engine.h"

namespace biomedq {
namespace {

std::unique_ptr<Engine> load_tiny(int parallel, bool prefix_reuse, int n_batch = 2048) {
    EngineOptions o = test::tiny_engine_options(parallel);
    o.prefix_reuse = prefix_reuse;
    o.n_batch = n_batch;
    o.n_ubatch = std::min(n_batch, 512);
    return test::load_engine(o);
}

// An instruction shared by every prompt, then a question of its own (some questions repeat, so
// two prompts are equal), like the prompts of one task.
std::vector<std::string> task_prompts() {
    const std::string instruction =
        "You are a biomedical expert. Read the abstract and answer the question with yes, no or "
        "maybe, then give one sentence of reasoning grounded in the abstract.\n";
    const std::vector<std::string> questions = {
        "Does aspirin lower the risk of a second myocardial infarction?",
        "Is metformin associated with lower cancer incidence in type 2 diabetes?",
        "Does BRCA1 act as a tumour suppressor in breast tissue?",
        "Does aspirin lower the risk of a second myocardial infarction?",
        "Is cisplatin nephrotoxic at standard doses?",
        "Do statins reduce all-cause mortality in primary prevention?",
        "Is vitamin D supplementation protective against respiratory infection?",
        "Does early mobilisation shorten hospital stay after hip fracture surgery?",
        "Is the hallmark of cancer list complete?",
        "Does remdesivir shorten recovery in hospitalised COVID-19 patients?"};
    std::vector<std::string> prompts;
    for (const std::string& q : questions)
        prompts.push_back(instruction + "Question: " + q + "\nAnswer:");
    return prompts;
}

std::vector<GenerationResult> generate_all(Engine& engine,
                                           const std::vector<std::string>& prompts) {
    std::vector<GenerationRequest> requests;
    for (const std::string& p : prompts) {
        GenerationRequest r;
        r.prompt = p;
        r.max_tokens = 12;
        requests.push_back(r);
    }
    return test::generate_each(engine, requests);
}

TEST(PrefixReuse, GreedyTextIsTheSameWithReuseOnAndOff) {
    for (const int parallel : {1, 3}) {
        auto on = load_tiny(parallel, true);
        auto off = load_tiny(parallel, false);
        ASSERT_TRUE(on && off);
        EXPECT_TRUE(on->prefix_reuse());
        EXPECT_FALSE(off->prefix_reuse());
        const auto prompts = task_prompts();
        const auto with = generate_all(*on, prompts);
        const auto without = generate_all(*off, prompts);
        for (std::size_t i = 0; i < prompts.size(); ++i) {
            EXPECT_EQ(with[i].text, without[i].text) << "parallel " << parallel << ", prompt " << i;
            EXPECT_EQ(with[i].n_tokens_prompt, without[i].n_tokens_prompt);
            EXPECT_EQ(with[i].finish, without[i].finish);
        }
        const EngineStats s_on = on->stats(), s_off = off->stats();
        EXPECT_EQ(s_on.n_tokens_prompt, s_off.n_tokens_prompt);
        EXPECT_EQ(s_off.n_tokens_prompt_computed, s_off.n_tokens_prompt);
        EXPECT_LT(s_on.n_tokens_prompt_computed * 2, s_on.n_tokens_prompt)
            << "the instruction is most of each prompt";
    }
}

TEST(PrefixReuse, APrefixLongerThanOneBatchIsDecodedInChunks) {
    auto on = load_tiny(2, true, /*n_batch=*/16);
    auto off = load_tiny(2, false, /*n_batch=*/16);
    ASSERT_TRUE(on && off);
    const auto prompts = task_prompts();
    const auto with = generate_all(*on, prompts);
    const auto without = generate_all(*off, prompts);
    for (std::size_t i = 0; i < prompts.size(); ++i) EXPECT_EQ(with[i].text, without[i].text);
    EXPECT_LT(on->stats().n_tokens_prompt_computed, off->stats().n_tokens_prompt_computed);
}

TEST(PrefixReuse, LoglikScoresAreTheSameWithReuseOnAndOff) {
    auto on = load_tiny(3, true);
    auto off = load_tiny(3, false);
    ASSERT_TRUE(on && off);
    std::vector<LoglikRequest> requests;
    for (const std::string& p : task_prompts()) {
        for (const char* option : {" yes", " no", " maybe", " yes, because"})
            requests.push_back({p, option});
    }
    auto with = on->loglik(requests);
    auto without = off->loglik(requests);
    ASSERT_TRUE(with.ok() && without.ok());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        EXPECT_NEAR(with.value()[i].logprob, without.value()[i].logprob, 1e-5) << i;
        EXPECT_EQ(with.value()[i].is_greedy, without.value()[i].is_greedy) << i;
        EXPECT_EQ(with.value()[i].n_tokens_continuation, without.value()[i].n_tokens_continuation);
    }
    EXPECT_EQ(on->stats().n_tokens_prompt, off->stats().n_tokens_prompt);
    // The question is shared by its four options and the instruction by all of them.
    EXPECT_LT(on->stats().n_tokens_prompt_computed * 4, on->stats().n_tokens_prompt);
}

TEST(PrefixReuse, AfterACallTheEngineServesTheNextOneTheSame) {
    auto on = load_tiny(2, true);
    ASSERT_TRUE(on);
    const auto prompts = task_prompts();
    const auto first = generate_all(*on, prompts);
    const auto second = generate_all(*on, prompts);
    for (std::size_t i = 0; i < prompts.size(); ++i) EXPECT_EQ(first[i].text, second[i].text);
}

}  // namespace
}  // namespace biomedq
