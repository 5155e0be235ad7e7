// Semantic checks on a TaskConfig (names exist, parts agree with each other), separate from YAML
// reading so a task built in code is checked the same way.
#pragma once

#include <optional>
#include <string>

#include "biomedq/task.h"

namespace biomedq::tasks {

struct ValidationIssue {
    std::string field;    // "data.format", "metrics", "prompt.input_template", ...
    std::string message;  // what is wrong and what was expected, with a did-you-mean hint
};

// The first problem found, or nullopt.
std::optional<ValidationIssue> validate_task(const TaskConfig& task);

}  // namespace biomedq::tasks
