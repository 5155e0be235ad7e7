#include "runner/eval_spec_options.h"

#include "biomedq/engine.h"
#include "biomedq/task.h"
#include "tasks/did_you_mean.h"

namespace biomedq::runner {
namespace {

std::function<std::string(const EvalSpec&)> one_of(std::string EvalSpec::*member,
                                                   std::vector<std::string> names) {
    return [member, names](const EvalSpec& s) {
        for (const auto& n : names) {
            if (s.*member == n) return std::string();
        }
        return "got \"" + s.*member + "\"" + tasks::did_you_mean(s.*member, names);
    };
}

std::function<std::string(const EvalSpec&)> at_least(int EvalSpec::*member, int low) {
    return [member, low](const EvalSpec& s) {
        return s.*member >= low ? std::string() : "got " + std::to_string(s.*member);
    };
}

}  // namespace

const std::vector<SpecOption>& spec_options() {
    static const std::vector<SpecOption> options = {
        {"protocol", "--protocol",
         "biomedq (its own prompts and metrics) | chen2025 (the published prompt files, reply "
         "formats and metrics "
         "of Chen et al. 2025, read from the data dir; --prompt zero-shot, few-shot:1 or "
         "few-shot:5)",
         &EvalSpec::protocol, "one of " + tasks::join_names(known_protocols()),
         one_of(&EvalSpec::protocol, known_protocols())},
        {"prompt", "--prompt", "zero-shot | few-shot:K | cot | cot:K", &EvalSpec::prompt,
         "zero-shot, few-shot:K, cot or cot:K", nullptr, false, /*per_cell=*/true},
        {"shot_selection", "--shots", "Few-shot selection: random | nearest",
         &EvalSpec::shot_selection, "random or nearest",
         one_of(&EvalSpec::shot_selection, {"random", "nearest"})},
        {"constrained", "--constrained",
         "Constrain answers with a grammar built from the task's labels", &EvalSpec::constrained,
         "true or false", nullptr},
        {"subset", "--subset", "sample200 | all", &EvalSpec::subset, "sample200 or all",
         one_of(&EvalSpec::subset, {"sample200", "all"})},
        {"limit", "--limit", "First N examples per task (0: all)", &EvalSpec::limit,
         "a whole number >= 0", at_least(&EvalSpec::limit, 0)},
        {"seed", "--seed", "Seed for shots, sampling and bootstrap", &EvalSpec::seed,
         "a whole number >= 0", nullptr},
        {"mc_mode", "--mc-mode", "Multiple-choice scoring: generate | loglik", &EvalSpec::mc_mode,
         "generate or loglik", one_of(&EvalSpec::mc_mode, {"generate", "loglik"})},
        {"chat", "--no-chat", "Raw completion prompts instead of the model's chat template",
         &EvalSpec::chat, "true or false", nullptr, /*negated_flag=*/true},
        {"max_tokens", "--max-tokens", "Cap on generated tokens per example (0: each task's own)",
         &EvalSpec::max_tokens, "a whole number >= 0", at_least(&EvalSpec::max_tokens, 0)},
        {"ctx", "--ctx", "Context tokens per sequence", &EvalSpec::ctx_per_sequence,
         "a whole number of tokens >= 16", at_least(&EvalSpec::ctx_per_sequence, 16)},
        {"kv_type", "--kv-type",
         "KV cache type: " + tasks::join_names(kv_cache_type_names()) +
             " (quantized types shrink the cache, change answers slightly and need flash "
             "attention)",
         &EvalSpec::kv_type, "one of " + tasks::join_names(kv_cache_type_names()),
         one_of(&EvalSpec::kv_type, kv_cache_type_names())},
    };
    return options;
}

}  // namespace biomedq::runner
