// The shipped sweep examples stay runnable, --dry-run shows per cell its tasks, examples, memory
// and an estimated time, and a finished cell is found by content however the YAML's path is spelled
// (issue 18 item 3).
#include <regex>

#include "e2e/e2e_support.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

bool have_data() {
    return std::filesystem::exists(shared_data_dir() / "PubMedQA" / "pubmedqa-sample200.tsv");
}

std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) out.push_back(line);
    }
    return out;
}

class SweepExamplesE2E : public SharedDataTest {
protected:
    SweepExamplesE2E() : SharedDataTest("sweep-examples", have_data) {}
    void SetUp() override {
        SharedDataTest::SetUp();
        if (!IsSkipped()) std::filesystem::create_directories(dir_ / "examples");
    }
    // The shipped example, byte for byte, at the same place relative to its models.
    std::filesystem::path copy_example(const std::string& name) {
        const auto to = dir_ / "examples" / name;
        std::filesystem::copy_file(source_dir() / "examples" / name, to);
        return to;
    }
};

TEST_F(SweepExamplesE2E, SmallExampleDryRunShowsTasksExamplesMemoryAndTimePerCell) {
    const auto yaml = copy_example("sweep-small.yaml");
    std::filesystem::create_symlink(tiny_model_path(),
                                    dir_ / "tiny.gguf");  // ../tiny.gguf from examples/
    auto r = run_command({bin_, "sweep", yaml.string(), "--dry-run"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = lines_starting_with(r.out, "tiny-");
    ASSERT_EQ(rows.size(), 6u) << r.out;  // F16, Q8_0, Q4_K_M x zero-shot, few-shot:1
    for (const std::string cell :
         {"tiny-F16-zero-shot ", "tiny-Q8_0-few-shot-1 ", "tiny-Q4_K_M-zero-shot "}) {
        EXPECT_EQ(lines_starting_with(r.out, cell).size(), 1u) << cell << "\n" << r.out;
    }
    for (const auto& row : rows) {
        EXPECT_NE(row.find(" 80 "), std::string::npos) << row;  // 4 tasks x limit 20
        EXPECT_NE(row.find("pubmedqa:20 ddi:20 bc5cdr-chem:20 hoc:20"), std::string::npos) << row;
        EXPECT_NE(row.find("MiB"), std::string::npos) << row;  // memory columns
    }
    EXPECT_NE(lines_starting_with(r.out, "tiny-Q8_0-zero-shot ")[0].find("not quantized yet"),
              std::string::npos);
    EXPECT_NE(r.out.find("est. time: none yet; it is measured, not guessed"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("6 cells into "), std::string::npos) << r.out;
}

TEST_F(SweepExamplesE2E, FullExampleLoadsAndPlansEveryCell) {
    const auto yaml = copy_example("sweep.yaml");
    // Its three sources, played by the tiny model: every key, type, task and prompt is checked.
    std::filesystem::create_directories(dir_ / "examples" / "models");
    for (const std::string m : {"Meta-Llama-3.1-8B-Instruct-F16.gguf",
                                "Qwen2.5-7B-Instruct-F16.gguf", "BioMistral-7B-F16.gguf"}) {
        std::filesystem::create_symlink(tiny_model_path(), dir_ / "examples" / "models" / m);
    }
    auto r = run_command({bin_, "sweep", yaml.string(), "--dry-run", "--gpu-memory", "24GiB"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::size_t n_rows = 0;
    for (const std::string model :
         {"llama-3.1-8b-instruct-", "qwen2.5-7b-instruct-", "biomistral-7b-"}) {
        const auto rows = lines_starting_with(r.out, model);
        EXPECT_EQ(rows.size(), 16u) << model;  // (F16 + 7 types) x 2 prompts
        n_rows += rows.size();
        for (const auto& row : rows) {
            for (const std::string task : {"bc5cdr-chem:", "ncbi-disease:", "chemprot:", "ddi:",
                                           "hoc:", "litcovid:", "medqa:", "pubmedqa:200"}) {
                EXPECT_NE(row.find(task), std::string::npos) << task << " in " << row;
            }
        }
    }
    EXPECT_EQ(n_rows, 48u) << r.out;
    EXPECT_NE(r.out.find("48 cells into "), std::string::npos) << r.out;
}

// Every key the parser knows (it lists them when given an unknown one) is documented in `sweep
// --help`, commented in examples/sweep.yaml and in the README's table: adding a key without
// documenting it fails.
TEST_F(SweepExamplesE2E, EveryKeyIsInTheHelpTheExampleAndTheReadme) {
    std::ofstream(dir_ / "bad.yaml") << "modles: []\n";
    auto bad = run_command({bin_, "sweep", (dir_ / "bad.yaml").string(), "--dry-run"});
    EXPECT_EQ(bad.exit_code, 2);
    const auto at = bad.err.find("known keys: ");
    ASSERT_NE(at, std::string::npos) << bad.err;
    std::vector<std::string> keys;
    std::istringstream list(bad.err.substr(at + 12));
    std::string key;
    while (std::getline(list, key, ',')) {
        key.erase(0, key.find_first_not_of(' '));
        key.erase(key.find_last_not_of(" \n") + 1);
        keys.push_back(key);
    }
    ASSERT_GE(keys.size(), 17u) << bad.err;
    auto help = run_command({bin_, "sweep", "--help"});
    ASSERT_EQ(help.exit_code, 0);
    std::ifstream example_in(source_dir() / "examples" / "sweep.yaml");
    const std::string example((std::istreambuf_iterator<char>(example_in)),
                              std::istreambuf_iterator<char>());
    std::ifstream readme_in(source_dir() / "README.md");
    const std::string readme((std::istreambuf_iterator<char>(readme_in)),
                             std::istreambuf_iterator<char>());
    for (const auto& k : keys) {
        EXPECT_TRUE(std::regex_search(help.out, std::regex("\\n  " + k + " ")))
            << k << " not in sweep --help";
        EXPECT_TRUE(std::regex_search(example, std::regex("\\n(# )?" + k + ":")))
            << k << " not in examples/sweep.yaml";
        EXPECT_NE(readme.find("`" + k + "`"), std::string::npos) << k << " not in README";
    }
}

TEST_F(SweepExamplesE2E, RelativeThenAbsoluteThenSymlinkedPathRerunsNothing) {
    std::filesystem::create_directories(dir_ / "model");
    std::filesystem::create_symlink(tiny_model_path(), dir_ / "model" / "tiny.gguf");
    std::ofstream(dir_ / "sweep.yaml")
        << "out: out\nmodels:\n  - {name: tiny, path: model/tiny.gguf}\n"
           "quant_types: [q8_0]\ntasks: [pubmedqa]\nlimit: 2\nctx: 1024\n"
           "parallel: 2\nbootstrap_resamples: 50\nfidelity: {tokens: 128, ctx: 64}\n";
    std::filesystem::create_directory_symlink(dir_, dir_ / "link");
    // 1. relative, from the YAML's folder
    auto first =
        run_command({"/bin/sh", "-c",
                     "cd '" + dir_.string() + "' && exec '" + bin_ + "' sweep sweep.yaml --quiet"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_NE(first.err.find("2 cells (2 run, 0 finished earlier"), std::string::npos) << first.err;
    // 2. absolute, 3. through a symlinked folder: the same cells, found finished.
    for (const auto& yaml : {dir_ / "sweep.yaml", dir_ / "link" / "sweep.yaml"}) {
        auto again = run_command({bin_, "sweep", yaml.string(), "--quiet"});
        ASSERT_EQ(again.exit_code, 0) << again.err;
        EXPECT_NE(again.err.find("2 cells (0 run, 2 finished earlier, 0 models quantized)"),
                  std::string::npos)
            << yaml << "\n"
            << again.err;
        auto dry = run_command({bin_, "sweep", yaml.string(), "--dry-run"});
        ASSERT_EQ(dry.exit_code, 0) << dry.err;
        const auto rows = lines_starting_with(dry.out, "tiny-");
        ASSERT_EQ(rows.size(), 2u) << dry.out;
        for (const auto& row : rows) {
            EXPECT_NE(row.find("done"), std::string::npos) << row;
            // Each cell's own measured seconds per example: a time, not "-".
            EXPECT_EQ(row.find(" - "), std::string::npos) << row;
        }
        EXPECT_NE(dry.out.find("est. time: "), std::string::npos);
        EXPECT_EQ(dry.out.find("est. time: none yet"), std::string::npos) << dry.out;
    }
}

}  // namespace
}  // namespace biomedq::test
