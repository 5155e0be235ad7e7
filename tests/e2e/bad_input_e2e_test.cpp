// Bad input to the model commands: one clear line naming the thing and what was expected, a
// non-zero exit code, no crash, no partial output file.
#include "e2e/e2e_support.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

std::size_t count_lines_of(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class BadInputE2E : public TempDirTest {
protected:
    BadInputE2E() : TempDirTest("bad-input") {}
};

TEST_F(BadInputE2E, MissingModelFile) {
    for (const std::string cmd : {"info", "generate"}) {
        std::vector<std::string> args = {bin_, cmd, "/no/such/model.gguf"};
        if (cmd == "generate") args.insert(args.end(), {"--prompt", "hi"});
        auto r = run_command(args);
        EXPECT_EQ(r.exit_code, 2) << cmd;
        EXPECT_EQ(count_lines_of(r.err), 1u) << r.err;
        EXPECT_NE(r.err.find("/no/such/model.gguf"), std::string::npos) << r.err;
    }
}

TEST_F(BadInputE2E, FileThatIsNotGguf) {
    const auto fake = dir_ / "fake.gguf";
    std::ofstream(fake) << "{\"not\": \"a model\"}";
    auto r = run_command({bin_, "generate", fake.string(), "--prompt", "hi"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(count_lines_of(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("not a GGUF file"), std::string::npos) << r.err;
}

TEST_F(BadInputE2E, TruncatedGguf) {
    const auto cut = dir_ / "cut.gguf";
    {
        std::ifstream in(tiny_model_path(), std::ios::binary);
        std::string head(1 << 20, '\0');
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        std::ofstream(cut, std::ios::binary) << head;
    }
    auto r = run_command({bin_, "info", cut.string()});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(count_lines_of(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("cut.gguf"), std::string::npos) << r.err;
}

TEST_F(BadInputE2E, UnknownQuantTypeLeavesNoOutput) {
    const auto out = dir_ / "quantized";
    auto r = run_command(
        {bin_, "quantize", tiny_model_path().string(), "--types", "q4_k_mm", "-o", out.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(count_lines_of(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("q4_k_m"), std::string::npos) << r.err;  // did you mean
    EXPECT_TRUE(!std::filesystem::exists(out) || std::filesystem::is_empty(out));
}

TEST_F(BadInputE2E, GrammarThatDoesNotParse) {
    const auto grammar = dir_ / "bad.gbnf";
    std::ofstream(grammar) << "root ::= (\"yes\" | \n";
    auto r = run_command({bin_, "generate", tiny_model_path().string(), "--prompt", "hi",
                          "--grammar", grammar.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(count_lines_of(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("bad.gbnf"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("grammar"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST_F(BadInputE2E, PromptLongerThanTheContext) {
    std::string prompt;
    for (int i = 0; i < 200; ++i) prompt += "aspirin ";
    auto r = run_command({bin_, "generate", tiny_model_path().string(), "--prompt", prompt, "--ctx",
                          "64", "--no-chat"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines_of(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("context holds 64"), std::string::npos) << r.err;
}

TEST_F(BadInputE2E, GrammarConstrainedGenerateFollowsTheGrammar) {
    const auto grammar = dir_ / "yn.gbnf";
    std::ofstream(grammar) << "root ::= \"yes\" | \"no\" | \"maybe\"\n";
    auto r = run_command({bin_, "generate", tiny_model_path().string(), "--prompt", "Is it?",
                          "--grammar", grammar.string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    const std::string text = j["text"];
    EXPECT_TRUE(text == "yes" || text == "no" || text == "maybe") << text;
}

}  // namespace
}  // namespace biomedq::test
