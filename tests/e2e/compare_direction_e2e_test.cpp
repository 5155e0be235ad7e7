// `biomedq compare A B` says whether B is significantly better or worse than A, by the sign of B -
// A (issue 18, item 1). Two runs made from one tiny-model run: B answers every example right, A
// none.
#include "e2e/e2e_support.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {
namespace {

// A copy of `run` whose parsed answers are all the gold answer (right) or all invalid (wrong).
std::filesystem::path rewritten(const std::filesystem::path& run, const std::filesystem::path& out,
                                bool right) {
    std::filesystem::copy(run, out, std::filesystem::copy_options::recursive);
    std::ofstream samples(out / "samples.jsonl", std::ios::trunc);
    for (auto s : read_samples(run)) {
        s["parsed"] = {{"valid", right},
                       {"labels", right ? s["gold"]["labels"] : nlohmann::json::array()},
                       {"spans", nlohmann::json::array()}};
        s["score"] = right ? 1.0 : 0.0;
        samples << s.dump() << "\n";
    }
    return out;
}

class CompareDirectionE2E : public SharedDataTest {
protected:
    CompareDirectionE2E() : SharedDataTest("compare-direction") {}
};

TEST_F(CompareDirectionE2E, SignificantGainAndLossAreToldApart) {
    const auto& dir = dir_;
    const auto run = dir / "run";
    auto r = run_command(eval_args(run, "pubmedqa", 6));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto none_right = rewritten(run, dir / "none-right", false);
    const auto all_right = rewritten(run, dir / "all-right", true);

    // B better than A: accuracy +1 on every resample, p = 2 / 1001.
    auto gain = run_command(
        {biomedq_binary().string(), "compare", none_right.string(), all_right.string()});
    ASSERT_EQ(gain.exit_code, 0) << gain.err;
    EXPECT_NE(gain.out.find("pubmedqa       accuracy                  0.000    1.000    +1.000     "
                            "[+1.000, +1.000]   "
                            "0.0020    0.0%      6  significant gain\n"),
              std::string::npos)
        << gain.out;
    EXPECT_EQ(gain.out.find("significant loss\n"), std::string::npos) << gain.out;
    // B worse than A.
    auto loss = run_command(
        {biomedq_binary().string(), "compare", all_right.string(), none_right.string()});
    ASSERT_EQ(loss.exit_code, 0) << loss.err;
    EXPECT_NE(loss.out.find("pubmedqa       accuracy                  1.000    0.000    -1.000     "
                            "[-1.000, -1.000]   "
                            "0.0020    0.0%      6  significant loss\n"),
              std::string::npos)
        << loss.out;
    EXPECT_EQ(loss.out.find("significant gain\n"), std::string::npos) << loss.out;
    // The same run against itself: no difference, no mark.
    auto same =
        run_command({biomedq_binary().string(), "compare", run.string(), run.string(), "--json"});
    ASSERT_EQ(same.exit_code, 0) << same.err;
    nlohmann::json parsed_1 = nlohmann::json::parse(same.out);
    for (const auto& m : parsed_1["tasks"]["pubmedqa"]["metrics"]) {
        EXPECT_EQ(m["significance"], "not significant") << m.dump();
    }
    auto gain_json = run_command(
        {biomedq_binary().string(), "compare", none_right.string(), all_right.string(), "--json"});
    ASSERT_EQ(gain_json.exit_code, 0) << gain_json.err;
    nlohmann::json parsed_2 = nlohmann::json::parse(gain_json.out);
    for (const auto& m : parsed_2["tasks"]["pubmedqa"]["metrics"]) {
        if (m["name"] == "accuracy") {
            EXPECT_EQ(m["significance"], "significant gain");
        }
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace biomedq::test
