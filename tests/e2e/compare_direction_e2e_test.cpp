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

// What `biomedq compare a b [flag]` prints; a failure when it does not exit 0.
std::string compare_output(const std::filesystem::path& a, const std::filesystem::path& b,
                           const std::string& flag = "") {
    std::vector<std::string> args = {biomedq_binary().string(), "compare", a.string(), b.string()};
    if (!flag.empty()) args.push_back(flag);
    const auto r = run_command(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
}

// `compare a b` prints `row` and nowhere `absent`.
void expect_row(const std::filesystem::path& a, const std::filesystem::path& b,
                const std::string& row, const std::string& absent) {
    const auto out = compare_output(a, b);
    EXPECT_NE(out.find(row), std::string::npos) << out;
    EXPECT_EQ(out.find(absent), std::string::npos) << out;
}

class CompareDirectionE2E : public SharedDataTest {
protected:
    CompareDirectionE2E() : SharedDataTest("compare-direction") {}
};

TEST_F(CompareDirectionE2E, SignificantGainAndLossAreToldApart) {
    const auto run = dir_ / "run";
    auto r = run_command(eval_args(run, "pubmedqa", 6));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto none_right = rewritten(run, dir_ / "none-right", false);
    const auto all_right = rewritten(run, dir_ / "all-right", true);

    // B better than A: accuracy +1 on every resample, p = 2 / 1001.
    expect_row(none_right, all_right,
               "pubmedqa       accuracy                  0.000    1.000    +1.000     "
               "[+1.000, +1.000]   "
               "0.0020    0.0%      6  significant gain\n",
               "significant loss\n");
    // B worse than A.
    expect_row(all_right, none_right,
               "pubmedqa       accuracy                  1.000    0.000    -1.000     "
               "[-1.000, -1.000]   "
               "0.0020    0.0%      6  significant loss\n",
               "significant gain\n");
    // The same run against itself: no difference, no mark.
    const auto same = nlohmann::json::parse(compare_output(run, run, "--json"));
    for (const auto& m : same["tasks"]["pubmedqa"]["metrics"]) {
        EXPECT_EQ(m["significance"], "not significant") << m.dump();
    }
    const auto gain_json = nlohmann::json::parse(compare_output(none_right, all_right, "--json"));
    for (const auto& m : gain_json["tasks"]["pubmedqa"]["metrics"]) {
        if (m["name"] == "accuracy") {
            EXPECT_EQ(m["significance"], "significant gain");
        }
    }
}

}  // namespace
}  // namespace biomedq::test
