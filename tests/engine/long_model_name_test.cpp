// A GGUF whose general.name is 100,000 characters loads and generates (issue 13, item 5: at 60,000+
// the name's log line overflowed the stack of std::regex_search in the log hook, a segfault).
#include <gtest/gtest.h>

#include "biomedq/engine.h"
#include "biomedq/quant.h"
#include "support/paths.h"
#include "support/renamed_model.h"
#include "support/tiny_model.h"

namespace biomedq {
namespace {

TEST(LongModelName, AHundredThousandCharacterNameLoadsReadsAndGenerates) {
    const auto dir = test::make_temp_dir("long_name");
    const auto model = dir / "long-name.gguf";
    // llama.cpp logs "print_info: general.name = <name>" whole; ": " followed by a long run
    // without spaces is the shape that crashed (20,000 characters did not).
    const std::string name = "x: " + std::string(100000, 'n');
    ASSERT_TRUE(test::write_renamed_model(test::tiny_model_path(), name, model));

    auto info = read_model_info(model);
    ASSERT_TRUE(info.ok()) << info.error().message.substr(0, 300);
    EXPECT_EQ(info->name, name);

    EngineOptions o;
    o.model_path = model.string();
    o.parallel = 1;
    o.ctx_per_sequence = 256;
    o.gpu_layers = 0;
    auto engine = Engine::load(o);
    ASSERT_TRUE(engine.ok()) << engine.error().message.substr(0, 300);
    GenerationRequest r;
    r.prompt = "Aspirin inhibits";
    r.max_tokens = 3;
    r.ignore_eos = true;
    GenerationResult result;
    auto status =
        (*engine)->generate({r}, [&](std::size_t, GenerationResult&& g) { result = std::move(g); });
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_EQ(result.finish, FinishReason::kMaxTokens);
    EXPECT_EQ(result.n_tokens_generated, 3);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace biomedq
