// `biomedq tasks check-data` says what data is found and missing, and --tasks-dir adds to the
// shipped tasks, a same-named user task replacing the shipped one, said in the listing (issue 18
// item 7).
#include <regex>

#include "e2e/e2e_support.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

bool have_data() { return std::filesystem::exists(shared_data_dir() / "PubMedQA" / "test.tsv"); }

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
}

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

const std::vector<std::string> kShipped = {"bc5cdr-chem", "chemprot",     "ddi",
                                           "hoc",         "litcovid",     "medqa",
                                           "medqa5",      "ncbi-disease", "pubmedqa"};

class TasksDataE2E : public TempDirTest {
protected:
    TasksDataE2E() : TempDirTest("tasks-data") {}
};

TEST_F(TasksDataE2E, CheckDataWithEveryTestSplitPresentExitsZeroOneLinePerTask) {
    if (!have_data()) GTEST_SKIP() << "no data at " << shared_data_dir();
    auto r = run_command({bin_, "tasks", "check-data", "--data-dir", shared_data_dir().string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto lines = lines_of(r.out);
    ASSERT_EQ(lines.size(), kShipped.size()) << r.out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        EXPECT_EQ(lines[i].rfind(kShipped[i] + " ", 0), 0u) << lines[i];
        EXPECT_NE(lines[i].find(" ok "), std::string::npos) << lines[i];
        EXPECT_NE(lines[i].find("found: "), std::string::npos) << lines[i];
    }
    // The shared data has no LitCovid train/dev and no ChemProt train: declared splits only.
    EXPECT_EQ(lines[4], "litcovid       ok      found: sample200, test");
    EXPECT_EQ(r.err, "");
}

TEST_F(TasksDataE2E, CheckDataNamesWhatIsMissingAndExitsOne) {
    if (!have_data()) GTEST_SKIP() << "no data at " << shared_data_dir();
    // Only PubMedQA's test split, as a user who fetched one file would have it.
    std::filesystem::create_directories(dir_ / "data" / "PubMedQA");
    std::filesystem::copy_file(shared_data_dir() / "PubMedQA" / "test.tsv",
                               dir_ / "data" / "PubMedQA" / "test.tsv");
    const auto data = dir_ / "data";
    auto r = run_command({bin_, "tasks", "check-data", "--data-dir", data.string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto lines = lines_of(r.out);
    ASSERT_EQ(lines.size(), kShipped.size()) << r.out;
    const auto d = data.string();
    EXPECT_EQ(lines[8], "pubmedqa       ok      found: test; missing: dev (" + d +
                            "/PubMedQA/dev.tsv); sample200 (" + d +
                            "/PubMedQA/pubmedqa-sample200.tsv); train (" + d +
                            "/PubMedQA/train.tsv)");
    EXPECT_EQ(lines[5].rfind("medqa          MISSING found: -; missing: dev (" + d +
                                 "/MedQA/phrases_no_exclude_dev.jsonl)",
                             0),
              0u)
        << lines[5];
    EXPECT_EQ(
        r.err,
        "biomedq: 8 of 9 tasks lack their test split under " + d +
            ": bc5cdr-chem, chemprot, ddi, hoc, litcovid, medqa, medqa5, ncbi-disease (README "
            "\"Getting the "
            "data\" says where to obtain them; or pass --data-dir)\n");
}

TEST_F(TasksDataE2E, TasksDirAddsToTheShippedTasksAndSaysWhichItOverrides) {
    const auto mine = dir_ / "my-tasks";
    std::filesystem::create_directories(mine);
    std::string pubmedqa = slurp(tasks_dir() / "pubmedqa.yaml");
    std::ofstream(mine / "my-pubmedqa.yaml")
        << std::regex_replace(pubmedqa, std::regex("\nname: pubmedqa\n"), "\nname: my-pubmedqa\n");
    std::ofstream(mine / "ddi.yaml") << slurp(tasks_dir() / "ddi.yaml");
    auto r = run_command({bin_, "tasks", "--tasks-dir", mine.string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto listed = nlohmann::json::parse(r.out);
    std::vector<std::string> names;
    for (const auto& t : listed) {
        names.push_back(t["name"]);
        EXPECT_EQ(t["overrides_shipped"].get<bool>(), t["name"] == "ddi") << t["name"];
    }
    EXPECT_EQ(names, (std::vector<std::string>{"bc5cdr-chem", "chemprot", "ddi", "hoc", "litcovid",
                                               "medqa", "medqa5", "my-pubmedqa", "ncbi-disease",
                                               "pubmedqa"}));
    for (const auto& t : listed) {
        if (t["name"] == "ddi") {
            EXPECT_EQ(t["file"], (mine / "ddi.yaml").string());
        }
    }
    auto table = run_command({bin_, "tasks", "--tasks-dir", mine.string()});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    for (const auto& line : lines_of(table.out)) {
        const bool says = line.find("(" + (mine / "ddi.yaml").string() +
                                    " overrides the shipped task)") != std::string::npos;
        EXPECT_EQ(says, line.rfind("ddi ", 0) == 0) << line;
    }
    // eval sees both: a shipped task is still there with --tasks-dir.
    if (!have_data()) return;
    const auto out = dir_ / "run";
    auto eval =
        run_command(eval_args(out, "my-pubmedqa,hoc", 1, {"--tasks-dir", mine.string()}, 1));
    ASSERT_EQ(eval.exit_code, 0) << eval.err;
    const auto results = read_json(out / "results.json");
    EXPECT_TRUE(results["tasks"].contains("my-pubmedqa"));
    EXPECT_TRUE(results["tasks"].contains("hoc"));
}

}  // namespace
}  // namespace biomedq::test
