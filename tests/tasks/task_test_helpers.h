// Shared by the tasks tests: the shipped task files, loaded once, and a temp-file writer.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "biomedq/task.h"
#include "support/paths.h"

namespace biomedq::test {

inline const TaskConfig& shipped_task(const std::string& name) {
    static const std::vector<TaskConfig> tasks = [] {
        auto loaded = load_task_dir(tasks_dir());
        if (!loaded.ok()) {
            ADD_FAILURE() << loaded.error().message;
            return std::vector<TaskConfig>{};
        }
        return std::move(loaded).value();
    }();
    for (const auto& task : tasks) {
        if (task.name == name) return task;
    }
    static const TaskConfig empty;
    ADD_FAILURE() << "no shipped task " << name;
    return empty;
}

using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

// The prediction's spans as (begin, end); each must be a Chemical mention.
inline Spans chemical_spans(const Prediction& p) {
    Spans out;
    for (const auto& s : p.spans) {
        EXPECT_EQ(s.type, "Chemical");
        out.emplace_back(s.begin, s.end);
    }
    return out;
}

inline std::filesystem::path write_temp_file(const std::string& name, const std::string& content) {
    const auto dir = make_temp_dir("tasks");
    const auto path = dir / name;
    std::ofstream(path) << content;
    return path;
}

}  // namespace biomedq::test
