// Parsing --prompt (zero-shot | few-shot:K | cot | cot:K) and the other run options into the task
// layer's PromptOptions.
#pragma once

#include "biomedq/runner.h"
#include "biomedq/task.h"

namespace biomedq::runner {

// Errors: kInvalidArgument naming the flag and the accepted forms.
Result<PromptOptions> prompt_options_of(const RunConfig& config);

}  // namespace biomedq::runner
