// `protocol:` in sweep.yaml: every cell runs under it, and only the prompts it published.
#include <gtest/gtest.h>

#include "store/sweep_file_test.h"

namespace biomedq {
namespace {

class SweepProtocolTest : public test::SweepFileTest {
protected:
    SweepProtocolTest() : SweepFileTest("sweep_protocol") {}
    Result<SweepSpec> parse(const std::string& extra) {
        return parse_yaml(
            "models:\n  - {name: tiny, path: m.gguf}\nquant_types: [q8_0]\ntasks: [pubmedqa, "
            "medqa]\n" +
            extra);
    }
};

TEST_F(SweepProtocolTest, DefaultsToBiomedqAndReachesEveryCell) {
    auto own = parse("");
    ASSERT_TRUE(own.ok()) << own.error().message;
    EXPECT_EQ(own->protocol, "biomedq");
    auto chen = parse("protocol: chen2025\nprompts: [zero-shot, 'few-shot:5']\n");
    ASSERT_TRUE(chen.ok()) << chen.error().message;
    EXPECT_EQ(chen->protocol, "chen2025");
    SweepCell cell;
    cell.prompt = "few-shot:5";
    cell.run_dir = dir_ / "cell";
    EXPECT_EQ(cell_run_config(*chen, cell).protocol, "chen2025");
}

TEST_F(SweepProtocolTest, UnknownProtocolAndUnpublishedPromptsNameLineAndField) {
    const std::string file = (dir_ / "sweep.yaml").string();
    auto unknown = parse("protocol: chen2024\n");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(
        unknown.error().message.find(
            file + ":5: field \"protocol\": expected one of biomedq, chen2025, got \"chen2024\""),
        std::string::npos)
        << unknown.error().message;
    auto cot = parse("protocol: chen2025\nprompts: [zero-shot, cot]\n");
    ASSERT_FALSE(cot.ok());
    EXPECT_EQ(cot.error().message,
              file +
                  ":6: field \"prompts[1]\": pubmedqa: protocol chen2025 publishes no \"cot\" "
                  "prompt; published: few-shot:1, few-shot:5, zero-shot");
}

}  // namespace
}  // namespace biomedq
