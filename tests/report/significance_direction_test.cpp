// A quantized model that scores higher than its full-precision source is a gain, lower a loss: the
// report (Markdown, HTML) and recommend say which by the sign, and mark the two differently (issue
// 18, item 1: a significant gain was printed as "loses -0.067 ... * significant loss").
#include <gtest/gtest.h>

#include "biomedq/report.h"
#include "support/expect_contains.h"
#include "support/hand_made_runs.h"

namespace biomedq {
namespace {

// "up": F16 answers 0 of 4 right, Q8_0 4 of 4 (paired difference +1 on every resample).
// "down": F16 4 of 4, Q4_K_M 0 of 4 (difference -1).
std::vector<StoredRun> runs_both_ways() {
    return {test::hand_made_run("up", "f16", 16.0, 10 * test::kGiB, 0),
            test::hand_made_run("up", "q8_0", 8.5, 6 * test::kGiB, 4),
            test::hand_made_run("down", "f16", 16.0, 10 * test::kGiB, 4),
            test::hand_made_run("down", "q4_k_m", 4.89, 4 * test::kGiB, 0)};
}

TEST(SignificanceLabel, WordedByTheSign) {
    EXPECT_EQ(significance_label(0.067, true), "significant gain");
    EXPECT_EQ(significance_label(-0.067, true), "significant loss");
    EXPECT_EQ(significance_label(0.067, false), "");
    EXPECT_EQ(significance_label(0.0, true), "");
}

TEST(SignificanceDirection, ReportMarksGainsAndLossesApart) {
    auto data = build_report_data(runs_both_ways());
    ASSERT_TRUE(data.ok()) << data.error().message;
    ASSERT_EQ(data->rows.size(), 4u);
    const ReportRow& gain = data->rows[1];
    const ReportRow& loss = data->rows[3];
    EXPECT_DOUBLE_EQ(gain.difference, 1.0);  // quantized - full precision
    EXPECT_TRUE(gain.significant);
    EXPECT_DOUBLE_EQ(loss.difference, -1.0);
    EXPECT_TRUE(loss.significant);
    // p = 2 * (1 + 0) / (1000 + 1): no resample on the other side of zero.
    EXPECT_NEAR(gain.p_value, 2.0 / 1001.0, 1e-12);

    const auto md = render_markdown(*data);
    test::expect_contains(
        md, {"| up | Q8_0 | zero-shot | 8.50 | 1.000 [0.750, 1.000] | +1.000 [+1.000, "
             "+1.000] significant gain "
             "| 0.0020 | 4 |",
             "| down | Q4_K_M | zero-shot | 4.89 | 0.000 [0.000, 0.250] | -1.000 [-1.000, "
             "-1.000] significant "
             "loss | 0.0020 | 4 |"});
    EXPECT_EQ(md.find(" *"), std::string::npos) << md;  // no direction-less mark left
    const auto html = render_html(*data);
    test::expect_contains(
        html, {"<td class=\"significant gain\">+1.000 [+1.000, +1.000] significant gain</td>",
               "<td class=\"significant loss\">-1.000 [-1.000, -1.000] significant loss</td>"});
    const auto csv = render_csv(*data);
    EXPECT_NE(csv.find("\npubmedqa,up,q8_0,zero-shot,8.5000,accuracy,1.000000,0.750000,1.000000,4,"
                       "0.000000,0,1.000000,"
                       "1.000000,1.000000,0.001998,4,1,"),
              std::string::npos)
        << csv;
}

TEST(SignificanceDirection, RecommendSaysGainsForAHigherQuantizedScore) {
    RecommendOptions options;
    options.bytes_gpu_budget = 8 * test::kGiB;  // both quantized runs fit, neither F16
    options.max_drop = -1;
    auto rec = recommend(runs_both_ways(), options);
    ASSERT_TRUE(rec.ok()) << rec.error().message;
    ASSERT_EQ(rec->ranked.size(), 2u);
    const Candidate& up = rec->ranked[0];
    EXPECT_EQ(up.model + "/" + up.quant_type, "up/q8_0");
    EXPECT_DOUBLE_EQ(up.drop, -1.0);  // full precision - this: negative is a gain
    EXPECT_TRUE(up.significant);
    EXPECT_EQ(rec->explanation,
              "Deploy up at Q8_0 with zero-shot prompting: expected score 1.000 (95% CI 0.750 to "
              "1.000; mean primary "
              "metric over pubmedqa). It needs 6.00 GiB (measured peak) of the 8.00 GiB budget, "
              "leaving 2.00 GiB headroom. "
              "Against up at full precision it gains 1.000 (95% CI 1.000 to 1.000), which is "
              "statistically significant.");
    const std::string text = rec->to_text();
    test::expect_contains(text, {"6.00 GiB  +1.000 [+1.000,+1.000] significant gain\n",
                                 "4.00 GiB  -1.000 [-1.000,-1.000] significant loss\n"});
    const auto j = rec->to_json();
    EXPECT_EQ(j["ranked"][0]["significance"], "significant gain");
    EXPECT_EQ(j["ranked"][1]["significance"], "significant loss");
}

TEST(SignificanceDirection, RecommendSaysLosesForALowerQuantizedScore) {
    RecommendOptions options;
    options.bytes_gpu_budget = 5 * test::kGiB;  // only down's Q4_K_M (4 GiB) fits
    options.max_drop = -1;
    auto runs = runs_both_ways();
    runs.erase(runs.begin(), runs.begin() + 2);
    auto rec = recommend(runs, options);
    ASSERT_TRUE(rec.ok()) << rec.error().message;
    ASSERT_EQ(rec->ranked.size(), 1u);
    EXPECT_DOUBLE_EQ(rec->ranked[0].drop, 1.0);
    EXPECT_EQ(rec->explanation.substr(rec->explanation.find(" Against")),
              " Against down at full precision it loses 1.000 (95% CI 1.000 to 1.000), which is "
              "statistically "
              "significant.");
}

}  // namespace
}  // namespace biomedq
