// The generation engine on a tiny synthetic model (random weights: the text is meaningless, but the
// engine's behaviour is exact).
#include "biomedq/engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <regex>

#include "engine/stop_strings.h"
#include "support/paths.h"
#include "support/tiny_model.h"
#include "tiny_engine.h"

namespace biomedq {
namespace {

std::unique_ptr<Engine> load_tiny(int parallel, int ctx = 512) {
    return test::load_engine(test::tiny_engine_options(parallel, ctx));
}

std::vector<GenerationResult> run_all(Engine& engine,
                                      const std::vector<GenerationRequest>& requests) {
    return test::generate_each(engine, requests);
}

const std::vector<std::string> kPrompts = {"Aspirin inhibits",
                                           "The patient presented with",
                                           "Metformin is used to treat",
                                           "Question: is BRCA1 a tumour suppressor? Answer:",
                                           "Cisplatin",
                                           "Acute myocardial infarction",
                                           "The hallmarks of cancer include",
                                           "In conclusion,"};

// A request for exactly `max_tokens` tokens after `prompt` (EOS ignored); greedy.
GenerationRequest fixed_length(const std::string& prompt, int max_tokens) {
    GenerationRequest r;
    r.prompt = prompt;
    r.max_tokens = max_tokens;
    r.ignore_eos = true;
    return r;
}

TEST(Engine, GreedyOutputIsTheSameAloneAndInABatchOfEight) {
    auto alone = load_tiny(1);
    auto batched = load_tiny(8);
    ASSERT_TRUE(alone && batched);
    std::vector<GenerationRequest> requests;
    for (const auto& p : kPrompts) requests.push_back(fixed_length(p, 24));
    const auto together = run_all(*batched, requests);
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto single = run_all(*alone, {requests[i]});
        EXPECT_EQ(single[0].text, together[i].text) << "prompt " << i;
        EXPECT_EQ(together[i].n_tokens_generated, 24);
        EXPECT_EQ(together[i].finish, FinishReason::kMaxTokens);
    }
}

TEST(Engine, MoreRequestsThanSlotsAreAllAnsweredOnce) {
    auto engine = load_tiny(3);
    ASSERT_TRUE(engine);
    std::vector<GenerationRequest> requests;
    for (int i = 0; i < 10; ++i) {
        // Different lengths force admission while others still run.
        requests.push_back(
            fixed_length(kPrompts[static_cast<std::size_t>(i) % kPrompts.size()], 3 + i));
    }
    std::map<std::size_t, int> seen;
    auto status = engine->generate(requests, [&](std::size_t i, GenerationResult&& r) {
        seen[i]++;
        EXPECT_EQ(r.n_tokens_generated, 3 + static_cast<int>(i));
    });
    ASSERT_TRUE(status.ok());
    ASSERT_EQ(seen.size(), 10u);
    for (auto& [i, n] : seen) EXPECT_EQ(n, 1) << i;
}

TEST(Engine, GrammarConstrainedOutputAlwaysMatchesTheGrammar) {
    auto engine = load_tiny(4);
    ASSERT_TRUE(engine);
    const std::string grammar =
        "root ::= \"Answer: \" label\nlabel ::= \"CPR:3\" | \"CPR:4\" | \"CPR:5\" | \"false\"\n";
    const std::string json_grammar =
        "root ::= \"[\" ( item ( \", \" item )* )? \"]\"\n"
        "item ::= \"\\\"\" [a-z]{1,8} \"\\\"\"\n";
    std::vector<GenerationRequest> requests;
    for (std::size_t i = 0; i < kPrompts.size(); ++i) {
        GenerationRequest r;
        r.prompt = kPrompts[i];
        r.grammar = i % 2 ? grammar : json_grammar;
        r.max_tokens = 64;
        requests.push_back(r);
    }
    const auto results = run_all(*engine, requests);
    const std::regex label_re(R"(Answer: (CPR:3|CPR:4|CPR:5|false))");
    const std::regex json_re(R"(\[("[a-z]{1,8}"(, "[a-z]{1,8}")*)?\])");
    for (std::size_t i = 0; i < results.size(); ++i) {
        ASSERT_NE(results[i].finish, FinishReason::kError) << results[i].error;
        EXPECT_EQ(results[i].finish, FinishReason::kEndOfSequence) << results[i].text;
        EXPECT_TRUE(std::regex_match(results[i].text, i % 2 ? label_re : json_re))
            << results[i].text;
    }
}

TEST(Engine, SeededSamplingIsReproducible) {
    auto engine = load_tiny(2);
    ASSERT_TRUE(engine);
    GenerationRequest r = fixed_length(kPrompts[0], 16);
    r.temperature = 1.0f;
    r.seed = 7;
    const auto a = run_all(*engine, {r, r});
    EXPECT_EQ(a[0].text, a[1].text);
}

TEST(Engine, StopStringEndsGenerationBeforeIt) {
    auto engine = load_tiny(1);
    ASSERT_TRUE(engine);
    GenerationRequest r = fixed_length(kPrompts[1], 40);
    const auto full = run_all(*engine, {r})[0].text;
    ASSERT_GE(full.size(), 6u);
    // Stop at a piece of the greedy continuation itself: the output must be what came before it.
    const std::string stop = full.substr(full.size() / 2, 3);
    r.stop = {stop};
    const auto cut = run_all(*engine, {r})[0];
    EXPECT_EQ(cut.finish, FinishReason::kStopString);
    EXPECT_EQ(cut.text, full.substr(0, full.find(stop)));
}

TEST(Engine, PromptLongerThanTheContextIsAnErrorResultNotACrash) {
    auto engine = load_tiny(2, 64);
    ASSERT_TRUE(engine);
    GenerationRequest longp, shortp;
    for (int i = 0; i < 100; ++i) longp.prompt += "aspirin ";
    shortp.prompt = "aspirin";
    shortp.max_tokens = 4;
    const auto results = run_all(*engine, {longp, shortp});
    EXPECT_EQ(results[0].finish, FinishReason::kError);
    EXPECT_NE(results[0].error.find("context holds 64"), std::string::npos) << results[0].error;
    EXPECT_NE(results[1].finish, FinishReason::kError);
}

TEST(Engine, BadGrammarIsRejectedWithAMessage) {
    auto engine = load_tiny(1);
    ASSERT_TRUE(engine);
    auto s = engine->validate_grammar("root ::= (\"a\" | ");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kParse);
    EXPECT_NE(s.error().message.find("grammar"), std::string::npos);
    GenerationRequest r;
    r.prompt = "x";
    r.grammar = "root ::= undefined_rule";
    const auto results = run_all(*engine, {r});
    EXPECT_EQ(results[0].finish, FinishReason::kError);
}

TEST(Engine, LoglikEqualsTheSumOfStepwiseTokenLogprobs) {
    auto engine = load_tiny(4);
    ASSERT_TRUE(engine);
    const std::string context = "The drug of choice for this patient is";
    const std::vector<std::string> words = {" aspirin", " for", " the", " heart"};
    std::string continuation;
    for (const auto& w : words) continuation += w;
    std::vector<LoglikRequest> requests = {{context, continuation}};
    std::string prefix = context;
    for (const auto& w : words) {
        requests.push_back({prefix, w});
        prefix += w;
    }
    auto results = engine->loglik(requests);
    ASSERT_TRUE(results.ok()) << results.error().message;
    const auto& r = results.value();
    double stepwise = 0.0;
    bool all_greedy = true;
    int stepwise_tokens = 0;
    for (std::size_t i = 1; i < r.size(); ++i) {
        stepwise_tokens += r[i].n_tokens_continuation;
        stepwise += r[i].logprob;
        all_greedy = all_greedy && r[i].is_greedy;
    }
    // Words tokenize the same alone as in the whole continuation, so the tokens scored are the
    // same.
    ASSERT_EQ(r[0].n_tokens_continuation, stepwise_tokens);
    ASSERT_GE(stepwise_tokens, static_cast<int>(words.size()));
    EXPECT_NEAR(r[0].logprob, stepwise, 1e-3);
    EXPECT_LT(r[0].logprob, 0.0);
    EXPECT_EQ(r[0].is_greedy, all_greedy);
}

TEST(Engine, LoglikOfTheGreedyTokenIsMarkedGreedy) {
    auto engine = load_tiny(1);
    ASSERT_TRUE(engine);
    GenerationRequest g;
    g.prompt = "Aspirin inhibits";
    g.max_tokens = 1;
    g.ignore_eos = true;
    const auto next = run_all(*engine, {g})[0].text;
    auto r = engine->loglik({{g.prompt, next}});
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.value()[0].is_greedy);
}

TEST(Engine, MissingFileAndNonGgufAreClearErrors) {
    EngineOptions o;
    o.model_path = "/nonexistent/model.gguf";
    auto missing = Engine::load(o);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    EXPECT_NE(missing.error().message.find("/nonexistent/model.gguf"), std::string::npos);

    const auto dir = test::make_temp_dir("engine");
    const auto not_gguf = dir / "notes.gguf";
    std::ofstream(not_gguf) << "this is not a model";
    o.model_path = not_gguf.string();
    auto bad = Engine::load(o);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kParse);
    EXPECT_NE(bad.error().message.find("not a GGUF file"), std::string::npos);

    // A truncated copy of a real model: the header is fine, the tensor data is cut short.
    const auto truncated = dir / "truncated.gguf";
    {
        std::ifstream in(test::tiny_model_path(), std::ios::binary);
        std::string head(200000, '\0');
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        std::ofstream(truncated, std::ios::binary) << head;
    }
    o.model_path = truncated.string();
    auto cut = Engine::load(o);
    ASSERT_FALSE(cut.ok());
    EXPECT_NE(cut.error().message.find(truncated.string()), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(Engine, ChatTemplateIsRenderedFromTheModel) {
    auto engine = load_tiny(1);
    ASSERT_TRUE(engine);
    ASSERT_TRUE(engine->model().has_chat_template);
    auto text = engine->render_chat({{"system", "You are terse."}, {"user", "Name one statin."}});
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_NE(text->find("You are terse."), std::string::npos);
    EXPECT_NE(text->find("Name one statin."), std::string::npos);
    // The assistant turn is opened after the user's message.
    EXPECT_GT(text->size(),
              text->find("Name one statin.") + std::string("Name one statin.").size());
}

TEST(Engine, MemoryIsReportedFromLlamaCppAllocations) {
    auto engine = load_tiny(2, 256);
    ASSERT_TRUE(engine);
    std::uint64_t weights = 0, kv = 0, compute = 0;
    for (const auto& b : engine->buffer_memory()) {
        weights += b.bytes_weights;
        kv += b.bytes_kv;
        compute += b.bytes_compute;
    }
    EXPECT_GT(weights, engine->model().bytes_weights * 9 / 10);
    EXPECT_GT(kv, 0u);
    EXPECT_GT(compute, 0u);
}

TEST(StopStrings, FindsTheEarliestStopIncludingOneStraddlingPieces) {
    using engine::find_stop;
    EXPECT_EQ(find_stop("Answer: B\nExplanation", {"\n"}, 5), 9u);
    EXPECT_EQ(find_stop("abcXY", {"cX"}, 3), 2u);  // "c" old, "X" new
    EXPECT_EQ(find_stop("abc", {"zz"}, 0), std::string::npos);
    EXPECT_EQ(find_stop("a END b STOP", {"STOP", "END"}, 0), 2u);
}

}  // namespace
}  // namespace biomedq
