#include "runner/sample_builder.h"

namespace biomedq::runner {

SampleRecord make_sample_record(const TaskPlan& plan, std::size_t index, Answer answer) {
    const Example& example = plan.examples[index];
    SampleRecord r;
    r.task = plan.task.name;
    r.id = example.id;
    r.index = index;
    r.mode = std::move(answer.mode);
    r.gold = gold_of(plan.task, example);
    r.score = example_score(task_kind_name(plan.task.kind), r.gold, answer.parsed);
    r.correct = r.score >= 1.0;
    r.parsed = std::move(answer.parsed);
    r.prompt = std::move(answer.prompt);
    r.messages = std::move(answer.messages);
    r.raw_output = std::move(answer.raw_output);
    r.finish = std::move(answer.finish);
    if (!answer.error.empty()) r.error = std::move(answer.error);
    r.options = std::move(answer.options);
    r.n_tokens_prompt = answer.n_tokens_prompt;
    r.n_tokens_generated = answer.n_tokens_generated;
    r.t_latency_ms = answer.t_latency_ms;
    return r;
}

}  // namespace biomedq::runner
