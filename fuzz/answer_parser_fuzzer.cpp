// Every answer parser, through the shipped task configs: byte 0 picks the task; the rest is
// "example text \0 model output". parse_answer must never fail or crash (an unreadable output is
// Prediction{valid=false}), and predicted NER spans must lie inside the example text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "biomedq/task.h"
#include "fuzz_input.h"

namespace {

const std::vector<biomedq::TaskConfig>& shipped_tasks() {
    static const std::vector<biomedq::TaskConfig> tasks = [] {
        auto loaded = biomedq::load_task_dir(biomedq::default_tasks_dir());
        if (!loaded || loaded->empty()) {
            std::fprintf(stderr, "answer_parser_fuzzer: cannot load the shipped tasks\n");
            std::abort();
        }
        return *loaded;
    }();
    return tasks;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace biomedq;
    if (size == 0) return 0;
    const auto& tasks = shipped_tasks();
    const TaskConfig& task = tasks[data[0] % tasks.size()];
    const auto parts = fuzz::split_parts(fuzz::as_view(data + 1, size - 1), 2);
    Example example;
    example.id = "fuzz";
    example.text = std::string(parts[0]);
    example.question = "Which one?";
    example.options = {{"A", "alpha"}, {"B", "beta"}, {"C", "gamma"}, {"D", "delta"}};
    const Prediction prediction = parse_answer(task, example, parts[1]);
    for (const auto& span : prediction.spans) {
        if (span.begin > span.end || span.end > example.text.size()) __builtin_trap();
    }
    return 0;
}
