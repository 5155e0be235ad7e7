// Inputs found by fuzz/openai_reply_fuzzer.cpp, kept as regression tests (docs/RELIABILITY.md).
#include <gtest/gtest.h>

#include "backends/openai_wire.h"

namespace biomedq::backends {
namespace {

TEST(OpenAiWireFuzzRegression, AHugeTokenCountIsAnErrorNotUndefinedBehaviour) {
    // A 70-digit count parses as a double; converting it to int was undefined behaviour.
    const std::string body =
        R"({"choices":[{"message":{"content":"CPR:4"},"finish_reason":"stop"}],)"
        R"("usage":{"prompt_tokens":12,"completion_tokens":7777777777777777777777777777777777777777773}})";
    auto reply = parse_reply(body, true, false);
    ASSERT_FALSE(reply.ok());
    EXPECT_EQ(reply.error().code, ErrorCode::kParse);
    EXPECT_EQ(reply.error().message,
              "reply field \"usage.completion_tokens\" is not a token count (expected an integer "
              "0..2147483647, got 7.777777777777778e+42)");
}

TEST(OpenAiWireFuzzRegression, TokenCountsOutOfIntRangeOrNegativeAreRejectedInRangeAccepted) {
    auto big = parse_reply(R"({"choices":[{"text":"a"}],"timings":{"prompt_n":2147483648}})", false,
                           false);
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.error().message.find("\"timings.prompt_n\""), std::string::npos)
        << big.error().message;
    EXPECT_FALSE(
        parse_reply(R"({"choices":[{"text":"a"}],"usage":{"prompt_tokens":-1}})", false, false)
            .ok());
    auto ok = parse_reply(
        R"({"choices":[{"text":"a"}],"usage":{"prompt_tokens":2147483647,"completion_tokens":3}})",
        false, false);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->n_tokens_prompt, 2147483647);
    EXPECT_EQ(ok->n_tokens_generated, 3);
}

}  // namespace
}  // namespace biomedq::backends
