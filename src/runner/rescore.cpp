// rescore: re-parse saved raw outputs with the current parsers and rebuild the scores, no model.
#include <cstdio>
#include <map>

#include "biomedq/runner.h"
#include "core/file_io.h"
#include "record/sample_log.h"
#include "runner/eval_plan.h"
#include "runner/planned_samples.h"
#include "runner/results_document.h"
#include "runner/run_config_of.h"
#include "runner/run_lock.h"

namespace biomedq {
namespace runner {

RunConfig config_of_run(const RunRecord& run, const std::filesystem::path& run_dir) {
    RunConfig c;
    static_cast<EvalSpec&>(c) = run.spec;
    c.bootstrap_resamples = run.resolved_int("bootstrap_resamples", 1000);
    c.data_dir = run.resolved_string("data_dir");
    c.tasks_dir = run.resolved_string("tasks_dir");
    c.model_path = run.model.path;
    c.out_dir = run_dir.string();
    return c;
}

namespace {

using ExampleIndex =
    std::map<std::pair<std::string, std::string>, std::pair<const TaskConfig*, const Example*>>;

// A generated answer parsed again with today's parser; the gold refreshed from the data.
void rescore_record(SampleRecord& r, const ExampleIndex& examples) {
    const auto found = examples.find({r.task, r.id});
    // A record of an example the plan does not select stays in the log as it was (it is someone's
    // output; rescore never deletes one) and is not scored.
    if (found == examples.end()) return;
    const auto& [task, example] = found->second;
    r.gold = gold_of(*task, *example);
    if (r.mode == "generate" && r.finish != "error") {
        r.parsed = parse_answer(*task, *example, r.raw_output.value_or(""));
        r.score = example_score(task_kind_name(task->kind), r.gold, r.parsed);
        r.correct = r.score >= 1.0;
    }
}

}  // namespace
}  // namespace runner

Result<RunOutcome> rescore_run(const std::filesystem::path& run_dir) {
    // Rescore rewrites samples.jsonl and results.json: not while an eval is appending to them.
    BIOMEDQ_ASSIGN(const auto lock,
                   runner::RunDirectoryLock::acquire(run_dir, /*create_directory=*/false));
    BIOMEDQ_ASSIGN(RunRecord run, read_run_record(run_dir));
    BIOMEDQ_ASSIGN(runner::EvalPlan plan, runner::plan_eval(runner::config_of_run(run, run_dir)));
    const auto log_path = run_dir / "samples.jsonl";
    BIOMEDQ_ASSIGN(record::SampleLogContent content, record::read_sample_log_content(log_path));
    // The same reading as a resume: a conflict is an error, repeats and foreign records are
    // reported.
    BIOMEDQ_ASSIGN(runner::PlannedSamples planned, runner::load_planned_samples(log_path, plan));
    for (const auto& note : runner::repair_notes(planned.repairs, log_path)) {
        std::fprintf(stderr, "biomedq: note: %s\n", note.c_str());
    }
    runner::ExampleIndex examples;
    for (const auto& tp : plan.tasks) {
        for (const auto& ex : tp.examples) examples[{tp.task.name, ex.id}] = {&tp.task, &ex};
    }
    std::string rewritten;
    for (auto& r : content.records) {
        runner::rescore_record(r, examples);
        rewritten +=
            to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    // The rewrite leaves out a partial last line: the run's repairs record it.
    BIOMEDQ_TRY(write_file_atomic(log_path, rewritten));
    BIOMEDQ_TRY(runner::rescore_run_record(run, plan, run_dir, content.n_partial_bytes));
    BIOMEDQ_TRY(write_run_record(run_dir, run));
    RunOutcome outcome;
    outcome.results_path = run_dir / "results.json";
    outcome.n_examples_total = planned.n_scored;
    outcome.summary_table = runner::summary_table(run);
    return outcome;
}

}  // namespace biomedq
