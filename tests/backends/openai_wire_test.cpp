// Request bodies and reply parsing for the OpenAI-compatible wire format, with exact fields.
#include "backends/openai_wire.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace biomedq::backends {
namespace {

TEST(OpenAiWire, ChatBodyForLlamaServerCarriesGrammarAndDisablesPromptCache) {
    BackendRequest r;
    r.messages = {{"system", "Be brief."}, {"user", "Is aspirin an NSAID?"}};
    r.grammar = "root ::= \"yes\" | \"no\"";
    r.max_tokens = 5;
    r.stop = {"\n"};
    r.seed = 7;
    const auto body = nlohmann::json::parse(build_request_body(r, "m", ServerKind::kLlamaServer));
    const nlohmann::json expected = {{"model", "m"},
                                     {"messages",
                                      {{{"role", "system"}, {"content", "Be brief."}},
                                       {{"role", "user"}, {"content", "Is aspirin an NSAID?"}}}},
                                     {"max_tokens", 5},
                                     {"temperature", 0.0},
                                     {"seed", 7},
                                     {"stream", false},
                                     {"stop", {"\n"}},
                                     {"grammar", "root ::= \"yes\" | \"no\""},
                                     {"cache_prompt", false}};
    EXPECT_EQ(body, expected);
}

TEST(OpenAiWire, CompletionBodyForOtherServersHasNoLlamaExtensions) {
    BackendRequest r;
    r.raw_prompt = "Q: x\nA:";
    r.max_tokens = 3;
    r.ignore_eos = true;
    const auto body = nlohmann::json::parse(build_request_body(r, "m", ServerKind::kVllm));
    EXPECT_EQ(body["prompt"], "Q: x\nA:");
    EXPECT_EQ(body["ignore_eos"], true);
    EXPECT_FALSE(body.contains("grammar"));
    EXPECT_FALSE(body.contains("cache_prompt"));
    EXPECT_FALSE(body.contains("stop"));
    EXPECT_FALSE(body.contains("messages"));
}

TEST(OpenAiWire, ParsesChatReplyWithTimings) {
    const std::string body =
        R"({"choices":[{"finish_reason":"length","index":0,"message":{"role":"assistant",
        "content":"B"}}],"usage":{"completion_tokens":8,"prompt_tokens":11},
        "timings":{"prompt_n":11,"prompt_ms":3.5,"predicted_n":8,"predicted_ms":17.25}})";
    auto r = parse_reply(body, true, false);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->text, "B");
    EXPECT_EQ(r->finish, FinishReason::kMaxTokens);
    EXPECT_EQ(r->n_tokens_prompt, 11);
    EXPECT_EQ(r->n_tokens_generated, 8);
    EXPECT_EQ(r->timings.n_prompt, 11);
    EXPECT_EQ(r->timings.n_predicted, 8);
    EXPECT_DOUBLE_EQ(r->timings.t_prompt_ms, 3.5);
    EXPECT_DOUBLE_EQ(r->timings.t_predicted_ms, 17.25);
}

TEST(OpenAiWire, FinishReasonStopMapsByGrammar) {
    const std::string body = R"({"choices":[{"text":"no","finish_reason":"stop"}]})";
    EXPECT_EQ(parse_reply(body, false, true)->finish, FinishReason::kGrammarComplete);
    EXPECT_EQ(parse_reply(body, false, false)->finish, FinishReason::kEndOfSequence);
}

TEST(OpenAiWire, MalformedRepliesNameWhatIsMissing) {
    EXPECT_EQ(parse_reply("<html>502</html>", false, false).error().message,
              "reply is not a JSON object: \"<html>502</html>\"");
    EXPECT_EQ(parse_reply(R"({"choices":[]})", false, false).error().message,
              "reply has no \"choices\" array");
    EXPECT_EQ(parse_reply(R"({"choices":[{"text":"a"}]})", true, false).error().message,
              "reply field \"choices[0].message.content\" missing");
    EXPECT_EQ(
        parse_reply(R"({"choices":[{"message":{"content":"a"}}]})", false, false).error().message,
        "reply field \"choices[0].text\" missing");
    EXPECT_EQ(
        parse_reply(R"({"choices":[{"text":"a"}],"usage":{"prompt_tokens":"x"}})", false, false)
            .error()
            .code,
        ErrorCode::kParse);
}

}  // namespace
}  // namespace biomedq::backends
