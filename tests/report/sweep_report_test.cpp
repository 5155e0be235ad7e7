// The whole path of issue 5 on the tiny synthetic model: sweep (3 types x 2 tasks x 2 prompts),
// interrupted after the first cell and resumed, into results.sqlite; then report and recommend.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "biomedq/report.h"
#include "biomedq/store.h"
#include "biomedq/sweep.h"
#include "core/file_io.h"
#include "support/paths.h"
#include "support/tiny_model.h"

namespace biomedq {
namespace {

std::string slurp(const std::filesystem::path& p) {
    auto text = read_file(p);
    return text.ok() ? text.value() : std::string();
}

TEST(SweepReport, TinyModelSweepResumesFillsStoreAndReports) {
    const auto model = test::tiny_model_path();
    const auto dir = test::make_temp_dir("sweep_report");
    std::ofstream(dir / "sweep.yaml")
        << "models:\n  - {name: tiny, path: " << model.string()
        << "}\nquant_types: [f16, q8_0, q4_k_m]\ntasks: [pubmedqa, ddi]\n"
           "prompts: [zero-shot, 'few-shot:1']\nlimit: 2\nctx: 2048\nparallel: 4\n"
           "bootstrap_resamples: 200\nout: out\nfidelity: {tokens: 512, ctx: 128}\n";
    auto spec = load_sweep_file(dir / "sweep.yaml");
    ASSERT_TRUE(spec.ok()) << spec.error().message;
    spec->progress = false;

    auto cells = plan_sweep(*spec);
    ASSERT_TRUE(cells.ok()) << cells.error().message;
    ASSERT_EQ(cells->size(), 6u);
    EXPECT_EQ((*cells)[0].name(), "tiny-F16-zero-shot");
    EXPECT_TRUE((*cells)[0].from_source);
    EXPECT_EQ((*cells)[3].name(), "tiny-Q8_0-few-shot-1");
    EXPECT_EQ((*cells)[4].model_path.filename().string(),
              (*cells)[4].source_sha256.substr(0, 12) + "-Q4_K_M.gguf");
    auto estimate = estimate_cell_memory(*spec, (*cells)[4]);
    ASSERT_TRUE(estimate.ok()) << estimate.error().message;
    EXPECT_TRUE(estimate->estimated_from_source);
    EXPECT_GT(estimate->estimate.bytes_gpu(), 0u);

    auto store = ResultStore::open(spec->out_dir / "results.sqlite");
    ASSERT_TRUE(store.ok()) << store.error().message;
    std::atomic<bool> cancel{false};
    SweepCallbacks callbacks;
    callbacks.on_cell_finished = [&](const SweepCell& cell) -> Status {
        ImportOptions options{cell.model_name, cell.quant_type};
        auto id = store->import_run(cell.run_dir, options);
        if (!id.ok()) return id.error();
        cancel = true;  // "kill" after the first cell: the next cell must not start
        return Status::success();
    };
    auto first = run_sweep(*spec, callbacks, &cancel);
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().code, ErrorCode::kCancelled);
    EXPECT_TRUE(
        store->load_fidelity()->empty());  // the F16 cell is the reference: no fidelity of its own
    EXPECT_EQ(store->count_runs().value(), 1);
    const auto first_results = slurp((*cells)[0].run_dir / "results.json");
    ASSERT_FALSE(first_results.empty());

    cancel = false;
    callbacks.on_cell_finished = [&](const SweepCell& cell) -> Status {
        ImportOptions options{cell.model_name, cell.quant_type};
        auto id = store->import_run(cell.run_dir, options);
        return id.ok() ? Status::success() : Status(id.error());
    };
    auto second = run_sweep(*spec, callbacks, &cancel);
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(second->n_cells, 6);
    EXPECT_EQ(second->n_skipped, 1);  // the finished cell was not rerun...
    EXPECT_EQ(second->n_run, 5);
    EXPECT_EQ(second->n_quantized, 2);
    EXPECT_EQ(second->n_fidelity_measured, 2);  // once per quantized file, shared by both prompts
    EXPECT_EQ(slurp((*cells)[0].run_dir / "results.json"), first_results);  // ...nor rewritten
    EXPECT_EQ(store->count_runs().value(), 6);  // re-imported, not duplicated

    auto third =
        run_sweep(*spec, callbacks, &cancel);  // everything done: nothing runs, nothing quantizes
    ASSERT_TRUE(third.ok());
    EXPECT_EQ(third->n_skipped, 6);
    EXPECT_EQ(third->n_quantized, 0);
    EXPECT_EQ(third->n_fidelity_measured, 0);  // read from the cache next to the quantized files
    EXPECT_EQ(store->count_runs().value(), 6);

    auto runs = store->load_runs(true);
    ASSERT_TRUE(runs.ok()) << runs.error().message;
    for (const auto& r : *runs) {
        EXPECT_EQ(r.model_name, "tiny");
        ASSERT_EQ(r.tasks.size(), 2u) << r.run_dir;
        for (const auto& t : r.tasks) EXPECT_EQ(t.samples.size(), 2u) << r.run_dir << " " << t.task;
        EXPECT_GT(r.bytes_peak, 0u);
    }

    // Fidelity: one row per quantized file, keyed to its runs by the file's hash.
    auto fidelity = store->load_fidelity();
    ASSERT_TRUE(fidelity.ok()) << fidelity.error().message;
    ASSERT_EQ(fidelity->size(), 2u);
    const QuantFidelity& q4 = (*fidelity)[0];  // ordered by quant type
    const QuantFidelity& q8 = (*fidelity)[1];
    EXPECT_EQ(q4.quant_type, "q4_k_m");
    EXPECT_EQ(q8.quant_type, "q8_0");
    for (const auto* f : {&q4, &q8}) {
        EXPECT_EQ(f->source_sha256, (*cells)[0].source_sha256);
        EXPECT_EQ(f->ctx, 128);
        EXPECT_EQ(f->text_description,
                  "pubmedqa/sample200, up to 512 tokens (ctx 128)");  // enough text: ddi not read
        EXPECT_EQ(f->n_tokens, 512u);  // the budget: 512 text tokens compared
        EXPECT_GT(f->kl_mean, 0.0);
        EXPECT_GT(f->ppl_ratio, 0.0);
    }
    EXPECT_EQ(q4.n_tokens, q8.n_tokens);  // the same text
    EXPECT_LT(q8.kl_mean, q4.kl_mean);    // more bits, less drift
    EXPECT_GE(q8.top1_agreement, q4.top1_agreement);
    EXPECT_TRUE(std::filesystem::exists(fidelity_cache_path((*cells)[2], q8.text_sha256)));
    for (const auto& r : *runs) {
        if (r.quant_type == "q8_0") {
            EXPECT_EQ(r.model_sha256, q8.model_sha256);
        } else if (r.quant_type == "q4_k_m") {
            EXPECT_EQ(r.model_sha256, q4.model_sha256);
        }
    }

    // Report: every (run, task) has a row; quantized rows are paired with F16 of the same prompt.
    auto data = build_report_data(*runs, *fidelity);
    ASSERT_TRUE(data.ok()) << data.error().message;
    EXPECT_EQ(data->tasks, (std::vector<std::string>{"ddi", "pubmedqa"}));
    ASSERT_EQ(data->rows.size(), 12u);
    for (const auto& row : data->rows) {
        if (row.quant_type == "f16") {
            EXPECT_TRUE(row.is_reference);
        } else {
            EXPECT_TRUE(row.has_reference) << row.run_dir;
            EXPECT_EQ(row.n_paired, 2);
            EXPECT_GT(row.memory_saved, 0.0) << row.run_dir;  // quantized weights are smaller
            EXPECT_TRUE(row.has_fidelity) << row.run_dir;
            EXPECT_DOUBLE_EQ(row.kl_mean, row.quant_type == "q8_0" ? q8.kl_mean : q4.kl_mean);
        }
    }
    const auto report_dir = dir / "report";
    auto written = write_report(spec->out_dir / "results.sqlite", report_dir);
    ASSERT_TRUE(written.ok()) << written.error().message;
    const auto md = slurp(report_dir / "report.md");
    EXPECT_NE(md.find("## pubmedqa"), std::string::npos);
    EXPECT_NE(md.find("| tiny | Q4_K_M | few-shot:1 |"), std::string::npos);
    EXPECT_NE(md.find(fmt::format("| {:.4f} ± {:.4f} |", q4.kl_mean, q4.kl_mean_se)),
              std::string::npos)
        << md;
    EXPECT_EQ(report_plot_specs(*data).size(), 4u);  // with the KL plot
    const auto csv = slurp(report_dir / "results.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 13);  // header + 12 rows
    const auto html = slurp(report_dir / "report.html");
    EXPECT_NE(html.find("<h2>ddi</h2>"), std::string::npos);

    // Recommend: with a budget above every measured peak, all six configurations fit.
    RecommendOptions options;
    options.bytes_gpu_budget = 64ull << 30;
    options.max_drop = -1;
    options.estimate_memory = estimate_quantized_gpu_bytes;
    auto rec = recommend(*runs, options);
    ASSERT_TRUE(rec.ok()) << rec.error().message;
    EXPECT_EQ(rec->ranked.size(), 6u);
    EXPECT_EQ(rec->options.tasks, (std::vector<std::string>{"ddi", "pubmedqa"}));
    EXPECT_NE(rec->explanation.find("Deploy tiny at"), std::string::npos);
    // Types not run yet get memory-only estimates from the F16 file.
    ASSERT_FALSE(rec->estimated.empty());
    EXPECT_EQ(rec->estimated.front().quant_type, "q6_k");
    EXPECT_FALSE(rec->estimated.front().measured);
    // A budget below every peak: nothing measured fits, and the explanation says so.
    options.bytes_gpu_budget = 1024;
    auto none = recommend(*runs, options);
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->ranked.empty());
    EXPECT_EQ(none->excluded.size(), 6u);
    EXPECT_EQ(none->explanation.rfind("No measured configuration fits 1.0 KiB", 0), 0u)
        << none->explanation;
}

}  // namespace
}  // namespace biomedq
