// ChemProt's --subset all is scored on a reconstruction of the BLUE test set (tasks/chemprot.yaml):
// results.json (per task), the eval summary and the report say so; sample200 runs carry no note
// (issue 13, item 10).
#include "e2e/e2e_support.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

constexpr const char* kNote = "approximate reconstruction of the BLUE test set; report as such";

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

class TestSetNoteE2E : public SharedDataTest {
protected:
    TestSetNoteE2E() : SharedDataTest("test-set-note") {}
};

TEST_F(TestSetNoteE2E, ReconstructedChemProtTestSetIsNamedInResultsSummaryAndReport) {
    const auto& dir = dir_;
    const auto all = dir / "all";
    const auto sample = dir / "sample";
    auto r_all = run_command(eval_args(all, "chemprot,pubmedqa", 2, {"--subset", "all"}));
    ASSERT_EQ(r_all.exit_code, 0) << r_all.err;
    auto r_sample = run_command(eval_args(sample, "chemprot", 2));
    ASSERT_EQ(r_sample.exit_code, 0) << r_sample.err;

    const auto results_all = read_json(all / "results.json");
    EXPECT_EQ(results_all["tasks"]["chemprot"]["test_set_note"], kNote);
    EXPECT_FALSE(results_all["tasks"]["pubmedqa"].contains(
        "test_set_note"));  // its test set is the real one
    EXPECT_FALSE(read_json(sample / "results.json")["tasks"]["chemprot"].contains("test_set_note"));
    expect_valid_run(all);
    EXPECT_NE(r_all.out.find(std::string("\nnote: chemprot test set: ") + kNote + "\n"),
              std::string::npos)
        << r_all.out;
    EXPECT_EQ(r_sample.out.find("note:"), std::string::npos) << r_sample.out;
    // rescore rebuilds the tasks section the same way.
    auto rescore = run_command({biomedq_binary().string(), "rescore", all.string()});
    ASSERT_EQ(rescore.exit_code, 0) << rescore.err;
    EXPECT_EQ(read_json(all / "results.json")["tasks"]["chemprot"]["test_set_note"], kNote);

    const auto db = dir / "results.sqlite";
    auto imported = run_command({biomedq_binary().string(), "import", all.string(), sample.string(),
                                 "--store", db.string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    auto report = run_command(
        {biomedq_binary().string(), "report", db.string(), "-o", (dir / "report").string()});
    ASSERT_EQ(report.exit_code, 0) << report.err;
    std::ifstream md_in(dir / "report" / "report.md");
    const std::string md((std::istreambuf_iterator<char>(md_in)), {});
    EXPECT_NE(md.find(std::string("## chemprot\n\n† chemprot test set: ") + kNote +
                      ".\n\nMetric: micro_f1_positive"),
              std::string::npos)
        << md;
    EXPECT_EQ(count(md, "] † |"), 2u) << md;  // the --subset all run's score is marked (task table
                                              // and summary), the sample200 run's not
    EXPECT_EQ(count(md, "test set: "), 1u) << md;  // pubmedqa has no note
    std::ifstream csv_in(dir / "report" / "results.csv");
    const std::string csv((std::istreambuf_iterator<char>(csv_in)), {});
    EXPECT_EQ(count(csv, std::string(",") + kNote + ",biomedq\n"), 1u) << csv;
    std::ifstream html_in(dir / "report" / "report.html");
    const std::string html((std::istreambuf_iterator<char>(html_in)), {});
    EXPECT_NE(html.find(std::string("<h2>chemprot</h2>\n<p class=\"note\">† chemprot test set: ") +
                        kNote + ".</p>"),
              std::string::npos);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace biomedq::test
