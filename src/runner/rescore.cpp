// rescore: re-parse saved raw outputs with the current parsers and rebuild the scores, no model.
#include <cstdio>
#include <map>

#include "biomedq/runner.h"
#include "core/file_io.h"
#include "runner/eval_plan.h"
#include "runner/planned_samples.h"
#include "runner/results_document.h"
#include "runner/run_lock.h"
#include "runner/sample_log.h"
#include "runner/sample_record.h"

namespace biomedq {
namespace runner {

Result<nlohmann::json> read_json_file(const std::filesystem::path& path) {
    BIOMEDQ_ASSIGN(std::string text, read_file(path));
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return make_error(ErrorCode::kParse, path.string() + ": not valid JSON");
    return j;
}

// The RunConfig a finished run was made with (from results.json's resolved configuration).
Result<RunConfig> config_of_run(const nlohmann::json& results, const std::filesystem::path& run_dir) {
    if (!results.contains("config") || !results["config"].contains("resolved")) {
        return make_error(ErrorCode::kParse, (run_dir / "results.json").string() + ": field \"config.resolved\" missing");
    }
    const auto& r = results["config"]["resolved"];
    RunConfig c;
    try {
        c.tasks = r.at("tasks").get<std::vector<std::string>>();
        c.prompt = r.at("prompt").get<std::string>();
        c.shot_selection = r.at("shot_selection").get<std::string>();
        c.constrained = r.at("constrained").get<bool>();
        c.subset = r.at("subset").get<std::string>();
        c.limit = r.at("limit").get<int>();
        c.seed = r.at("seed").get<std::uint64_t>();
        c.mc_mode = r.at("mc_mode").get<std::string>();
        c.chat = r.at("chat").get<bool>();
        c.ctx = r.at("ctx").get<int>();
        c.max_tokens = r.value("max_tokens", 0);
        c.bootstrap_resamples = r.value("bootstrap_resamples", 1000);
        c.data_dir = r.value("data_dir", std::string());
        c.tasks_dir = r.value("tasks_dir", std::string());
        c.protocol = r.value("protocol", std::string("biomedq"));
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorCode::kParse, (run_dir / "results.json").string() + ": config.resolved: " + e.what());
    }
    c.model_path = results.value("model", nlohmann::json::object()).value("path", std::string());
    c.out_dir = run_dir.string();
    return c;
}

}  // namespace runner

Result<RunOutcome> rescore_run(const std::filesystem::path& run_dir) {
    // Rescore rewrites samples.jsonl and results.json: not while an eval is appending to them.
    BIOMEDQ_ASSIGN(const auto lock,
                   runner::RunDirectoryLock::acquire(run_dir, /*create_directory=*/false));
    BIOMEDQ_ASSIGN(auto results, runner::read_json_file(run_dir / "results.json"));
    BIOMEDQ_ASSIGN(RunConfig config, runner::config_of_run(results, run_dir));
    BIOMEDQ_ASSIGN(runner::EvalPlan plan, runner::plan_eval(config));
    const auto log_path = run_dir / "samples.jsonl";
    BIOMEDQ_ASSIGN(runner::SampleLogContent content, runner::read_sample_log_content(log_path));
    // The same reading as a resume: a conflict is an error, repeats and foreign records are reported.
    BIOMEDQ_ASSIGN(runner::PlannedSamples planned, runner::load_planned_samples(log_path, plan));
    for (const auto& note : runner::repair_notes(planned.repairs, log_path)) {
        std::fprintf(stderr, "biomedq: note: %s\n", note.c_str());
    }

    std::map<std::pair<std::string, std::string>, std::pair<const TaskConfig*, const Example*>> examples;
    for (const auto& tp : plan.tasks) {
        for (const auto& ex : tp.examples) examples[{tp.task.name, ex.id}] = {&tp.task, &ex};
    }
    std::string rewritten;
    for (auto& r : content.records) {
        const auto key = std::make_pair(r["task"].get<std::string>(), r["id"].get<std::string>());
        auto found = examples.find(key);
        // A record of an example the plan does not select stays in the log as it was (it is someone's
        // output; rescore never deletes one) and is not scored.
        if (found != examples.end()) {
            const auto& [task, example] = found->second;
            if (r["mode"] == "generate" && r["finish"] != "error") {
                const Prediction pred = parse_answer(*task, *example, r["raw_output"].get<std::string>());
                r["parsed"] = runner::prediction_to_json(pred);
                const double score = example_score(task_kind_name(task->kind), gold_of(*task, *example), pred);
                r["score"] = score;
                r["correct"] = score >= 1.0;
            }
            r["gold"] = runner::gold_to_json(gold_of(*task, *example));
        }
        rewritten += r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    // The rewrite leaves out a partial last line: rescore_document records it among the repairs.
    BIOMEDQ_TRY(write_file_atomic(log_path, rewritten));
    BIOMEDQ_ASSIGN(auto doc, runner::rescore_document(results, plan, run_dir, content.n_partial_bytes));
    BIOMEDQ_TRY(write_file_atomic(run_dir / "results.json", doc.dump(2) + "\n"));
    RunOutcome outcome;
    outcome.results_path = run_dir / "results.json";
    outcome.n_examples_total = planned.n_scored;
    outcome.summary_table = runner::summary_table(doc);
    return outcome;
}

}  // namespace biomedq
