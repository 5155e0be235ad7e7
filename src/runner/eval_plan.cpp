#include "runner/eval_plan.h"

#include <algorithm>

#include "biomedq/engine.h"
#include "runner/prompt_method.h"
#include "tasks/did_you_mean.h"

namespace biomedq::runner {

std::string split_of_subset(const TaskConfig& task, const std::string& subset) {
    if (subset == "all") return "test";
    if (task.data.splits.count(subset)) return subset;
    return "test";
}

namespace {

// A published protocol is its prompts as published: what biomedq adds to prompting (chain of
// thought, grammars, log-likelihood scoring, shot selection) would make the numbers incomparable,
// so it is refused rather than silently mixed in.
Status check_protocol_options(const RunConfig& config, const PromptOptions& prompt) {
    if (config.protocol == "biomedq") return Status::success();
    if (auto known = protocol_tasks_dir("", config.protocol); !known.ok()) return known.error();
    const std::string why =
        "--protocol " + config.protocol + " runs the published prompts as published; ";
    if (prompt.method == PromptMethod::kCot) {
        return make_error(ErrorCode::kInvalidArgument,
                          why + "--prompt " + config.prompt +
                              " is biomedq's own (use zero-shot, few-shot:1 or few-shot:5)");
    }
    if (config.constrained) {
        return make_error(ErrorCode::kInvalidArgument, why + "--constrained is biomedq's own");
    }
    if (config.mc_mode != "generate") {
        return make_error(ErrorCode::kInvalidArgument,
                          why + "--mc-mode " + config.mc_mode + " is biomedq's own");
    }
    if (config.shot_selection != "random") {
        return make_error(ErrorCode::kInvalidArgument,
                          why + "its shots are written in the prompt files (--shots " +
                              config.shot_selection + " does not apply)");
    }
    return Status::success();
}

}  // namespace

Result<EvalPlan> plan_eval(const RunConfig& config) {
    EvalPlan plan;
    BIOMEDQ_ASSIGN(plan.prompt, prompt_options_of(config));
    if (config.subset != "sample200" && config.subset != "all") {
        return make_error(ErrorCode::kInvalidArgument,
                          "--subset " + config.subset + ": expected sample200 or all");
    }
    if (config.mc_mode != "generate" && config.mc_mode != "loglik") {
        return make_error(ErrorCode::kInvalidArgument,
                          "--mc-mode " + config.mc_mode + ": expected generate or loglik");
    }
    if (config.limit < 0)
        return make_error(ErrorCode::kInvalidArgument, "--limit must be 0 (all) or more");
    BIOMEDQ_TRY(check_kv_cache_type(config.kv_type, "--kv-type"));
    plan.tasks_dir =
        config.tasks_dir.empty() ? default_tasks_dir() : std::filesystem::path(config.tasks_dir);
    plan.data_dir =
        config.data_dir.empty() ? default_data_dir() : std::filesystem::path(config.data_dir);
    BIOMEDQ_TRY(check_protocol_options(config, plan.prompt));
    BIOMEDQ_ASSIGN(auto catalog, load_tasks(plan.tasks_dir, config.protocol));
    auto& all_tasks = catalog.tasks;
    std::vector<std::string> names;
    for (const auto& t : all_tasks) names.push_back(t.name);

    if (config.tasks.empty())
        return make_error(ErrorCode::kInvalidArgument, "--tasks: no task named");
    for (const auto& name : config.tasks) {
        auto found = std::find_if(all_tasks.begin(), all_tasks.end(),
                                  [&](const TaskConfig& t) { return t.name == name; });
        if (found == all_tasks.end()) {
            return make_error(ErrorCode::kNotFound, "--tasks: unknown task \"" + name + "\"" +
                                                        tasks::did_you_mean(name, names) +
                                                        " (known: " + tasks::join_names(names) +
                                                        ")");
        }
        TaskPlan tp;
        tp.task = *found;
        const std::string expected = config.protocol == "biomedq" ? "" : config.protocol;
        if (tp.task.protocol != expected) {
            return make_error(ErrorCode::kInvalidArgument,
                              tp.task.source_path + ": task \"" + name + "\" follows protocol \"" +
                                  (tp.task.protocol.empty() ? "biomedq" : tp.task.protocol) +
                                  "\", not the requested --protocol " + config.protocol);
        }
        if (!tp.task.prompt.files.empty()) {
            BIOMEDQ_ASSIGN(tp.task.prompt.published_text,
                           load_published_prompt(tp.task, config.prompt, plan.data_dir));
        }
        const std::string split = split_of_subset(tp.task, config.subset);
        BIOMEDQ_ASSIGN(Dataset data, load_task_split(tp.task, split, plan.data_dir));
        tp.examples = std::move(data.examples);
        if (config.limit > 0 && tp.examples.size() > static_cast<std::size_t>(config.limit)) {
            tp.examples.resize(static_cast<std::size_t>(config.limit));
        }
        tp.loglik = config.mc_mode == "loglik" && tp.task.kind == TaskKind::kMcqa;
        if (plan.prompt.k > 0 && tp.task.prompt.files.empty()) {
            if (tp.task.prompt.few_shot_split.empty()) {
                return make_error(ErrorCode::kUnsupported,
                                  name +
                                      ": few-shot prompting is unavailable (the task declares no "
                                      "few_shot_split); use --prompt zero-shot or cot");
            }
            BIOMEDQ_ASSIGN(Dataset pool,
                           load_task_split(tp.task, tp.task.prompt.few_shot_split, plan.data_dir));
            tp.shots = std::make_unique<ShotSelector>(
                ShotSelector::create(tp.task, std::move(pool.examples), plan.prompt));
        }
        plan.tasks.push_back(std::move(tp));
    }
    return plan;
}

}  // namespace biomedq::runner
