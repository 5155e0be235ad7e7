// The one place a finished example becomes a SampleRecord, for generation and log-likelihood alike:
// what the backend answered, parsed and scored against the example's gold.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "biomedq/record.h"
#include "runner/eval_plan.h"

namespace biomedq::runner {

// What the backend gave for one example, before scoring.
struct Answer {
    std::string mode;  // "generate" | "loglik"
    Prediction parsed;
    std::optional<std::string> prompt;
    std::optional<std::vector<ChatMessage>> messages;
    std::string raw_output;
    std::optional<std::string> finish;
    std::string error;
    std::optional<std::vector<OptionScore>> options;
    std::uint64_t n_tokens_prompt = 0;
    std::uint64_t n_tokens_generated = 0;
    double t_latency_ms = 0.0;
};

SampleRecord make_sample_record(const TaskPlan& plan, std::size_t index, Answer answer);

}  // namespace biomedq::runner
