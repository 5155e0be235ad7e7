// What an eval invocation will do: the tasks, their selected examples, prompt options, and which
// examples are still to run.
#pragma once

#include <memory>
#include <vector>

#include "biomedq/runner.h"
#include "biomedq/task.h"

namespace biomedq::runner {

struct TaskPlan {
    TaskConfig task;
    std::vector<Example> examples;        // the selected examples, in index order
    std::unique_ptr<ShotSelector> shots;  // null for zero-shot
    bool loglik = false;                  // scored by option log-likelihood
};

struct EvalPlan {
    std::vector<TaskPlan> tasks;
    PromptOptions prompt;
    std::filesystem::path data_dir;
    std::filesystem::path tasks_dir;
};

// Loads the requested tasks, their evaluated split (subset, limit) and few-shot pools.
// Errors: unknown task (with "did you mean"), data errors from the loaders, few-shot unavailable.
Result<EvalPlan> plan_eval(const RunConfig& config);

// The data split a subset name evaluates.
std::string split_of_subset(const TaskConfig& task, const std::string& subset);

}  // namespace biomedq::runner
