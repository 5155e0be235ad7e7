// The chen2025 protocol's prompt files: read as their authors' Python read them, the example put
// where {Input} or {INPUT} stands, sent as one message. Fixture files here are our own text; the
// real published files are checked where ../shared/data has them.
#include <gtest/gtest.h>

#include <fstream>

#include "support/paths.h"
#include "task_test_helpers.h"

namespace biomedq::test {
namespace {

std::filesystem::path write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

const TaskConfig& chen_task(const std::string& name) {
    static const std::vector<TaskConfig> tasks = [] {
        auto loaded = load_task_dir(tasks_dir() / "protocols" / "chen2025");
        if (!loaded.ok()) ADD_FAILURE() << loaded.error().message;
        return loaded.ok() ? std::move(loaded).value() : std::vector<TaskConfig>{};
    }();
    for (const auto& t : tasks) {
        if (t.name == name) return t;
    }
    static const TaskConfig empty;
    ADD_FAILURE() << "no chen2025 task " << name;
    return empty;
}

TaskConfig fixture_task(const std::filesystem::path& data_dir) {
    TaskConfig task = chen_task("pubmedqa");
    task.prompt.files = {{"zero-shot", "p/zero.txt"}, {"few-shot:5", "p/five.txt"}};
    (void)data_dir;
    return task;
}

TEST(PublishedPrompt, CrlfBecomesLfAndByteOrderMarkGoes) {
    const auto data = make_temp_dir("published");
    write_bytes(data / "p" / "zero.txt",
                "\xEF\xBB\xBFTASK: answer.\r\n\r\nInput: {Input}\r\nOutput:");
    auto text = load_published_prompt(fixture_task(data), "zero-shot", data);
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_EQ(*text, "TASK: answer.\n\nInput: {Input}\nOutput:");
    std::filesystem::remove_all(data);
}

TEST(PublishedPrompt, UpperCasePlaceholderIsAcceptedAndFilled) {
    const auto data = make_temp_dir("published");
    write_bytes(data / "p" / "five.txt", "Example: {\"a\": 1}\nINPUT: {INPUT}\nOUTPUT:");
    TaskConfig task = fixture_task(data);
    auto text = load_published_prompt(task, "few-shot:5", data);
    ASSERT_TRUE(text.ok()) << text.error().message;
    task.prompt.published_text = *text;
    Example ex;
    ex.question = "Is it?";
    ex.passages = {"First part.", "It's second."};
    PromptOptions options;
    const BuiltPrompt prompt = build_prompt(task, ex, {}, options);
    // JSON braces in the file stay as they are: the input is put in literally, not by a template
    // engine.
    const std::string expected =
        "Example: {\"a\": 1}\nINPUT: Is it? ['First part.', \"It's second.\"]\nOUTPUT:";
    ASSERT_EQ(prompt.messages.size(), 1u);
    EXPECT_EQ(prompt.messages[0].role, "user");
    EXPECT_EQ(prompt.messages[0].content, expected);
    EXPECT_EQ(prompt.raw_prompt, expected);
    EXPECT_EQ(prompt.max_tokens, 128);
    EXPECT_TRUE(prompt.grammar.empty());
    std::filesystem::remove_all(data);
}

TEST(PublishedPrompt, FileWithoutPlaceholderIsAParseErrorNamingIt) {
    const auto data = make_temp_dir("published");
    const auto file = write_bytes(data / "p" / "zero.txt", "TASK: nothing to fill\n");
    auto text = load_published_prompt(fixture_task(data), "zero-shot", data);
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().code, ErrorCode::kParse);
    EXPECT_NE(text.error().message.find(file.string() + ": no {Input} or {INPUT} placeholder"),
              std::string::npos)
        << text.error().message;
    std::filesystem::remove_all(data);
}

TEST(PublishedPrompt, UnpublishedMethodNamesThePublishedOnes) {
    auto text = load_published_prompt(chen_task("medqa"), "few-shot:3", make_temp_dir("published"));
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().code, ErrorCode::kUnsupported);
    EXPECT_EQ(text.error().message,
              "medqa: protocol chen2025 publishes no \"few-shot:3\" prompt; use --prompt "
              "few-shot:1, few-shot:5, "
              "zero-shot");
}

TEST(PublishedPrompt, MissingFileNamesItAndTheDataDirOption) {
    const auto data = make_temp_dir("published");
    auto text = load_published_prompt(chen_task("ddi"), "zero-shot", data);
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().code, ErrorCode::kNotFound);
    EXPECT_NE(
        text.error().message.find((data / "protocols/chen2025/ddi/prompt_zeroshot.txt").string()),
        std::string::npos);
    EXPECT_NE(text.error().message.find("--data-dir"), std::string::npos);
    std::filesystem::remove_all(data);
}

// The published files as shipped in ../shared/data: every task publishes zero-, one- and five-shot
// prompts; the five-shot files of HoC, LitCovid, MedQA and PubMedQA write {INPUT} and all but
// MedQA's use CRLF, and after reading none has a carriage return or a byte order mark left.
TEST(PublishedPrompt, EveryPublishedFileLoadsAndIsFilledOnce) {
    const auto root = shared_data_dir() / "protocols" / "chen2025";
    if (!std::filesystem::is_directory(root)) GTEST_SKIP() << "no published prompts at " << root;
    for (const char* name : {"bc5cdr-chem", "ncbi-disease", "chemprot", "ddi", "hoc", "litcovid",
                             "medqa", "pubmedqa"}) {
        TaskConfig task = chen_task(name);
        EXPECT_EQ(task.prompt.files.size(), 3u) << name;
        for (const auto& [method, file] : task.prompt.files) {
            auto text = load_published_prompt(task, method, shared_data_dir());
            ASSERT_TRUE(text.ok()) << text.error().message;
            EXPECT_EQ(text->find('\r'), std::string::npos) << name << " " << method;
            EXPECT_NE(text->rfind("\xEF\xBB\xBF", 0), 0u) << name << " " << method;
            task.prompt.published_text = *text;
            Example ex;
            ex.text = "UNIQUE-MARKER-TEXT";
            ex.question = "UNIQUE-MARKER-QUESTION";
            ex.options = {{"A", "a"}, {"B", "b"}};
            const BuiltPrompt prompt = build_prompt(task, ex, {}, PromptOptions{});
            const std::string& content = prompt.messages.at(0).content;
            EXPECT_EQ(content.find("{Input}"), std::string::npos) << name << " " << method;
            EXPECT_EQ(content.find("{INPUT}"), std::string::npos) << name << " " << method;
            const std::string marker =
                task.kind == TaskKind::kMcqa ? "UNIQUE-MARKER-QUESTION" : "UNIQUE-MARKER-TEXT";
            EXPECT_NE(content.find(marker), std::string::npos) << name << " " << method;
        }
    }
    std::ifstream hoc(root / "hoc" / "prompt_fiveshot.txt", std::ios::binary);
    const std::string raw((std::istreambuf_iterator<char>(hoc)), {});
    EXPECT_NE(raw.find("{INPUT}"), std::string::npos);
    EXPECT_NE(raw.find("\r\n"), std::string::npos);
}

}  // namespace
}  // namespace biomedq::test
