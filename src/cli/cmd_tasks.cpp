// `biomedq tasks`: list the task definitions with their example counts; `tasks validate FILE`
// checks a task file (and its data) without a model; `tasks selfcheck` scores gold-as-prediction
// (must be 1.0 everywhere) and a seeded derangement of the golds for every task; `tasks check-data`
// says which data files are found and which are missing (README "Getting the data"). --tasks-dir
// adds to the shipped tasks (load_tasks).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "biomedq/task.h"
#include "cli/command.h"
#include "core/text.h"

namespace biomedq::cli {

namespace {

struct TasksOptions {
    std::string tasks_dir;  // empty: the shipped tasks only
    std::string data_dir = default_data_dir().string();
    bool json = false;
    std::string file;
    std::string split = "sample200";
    std::uint64_t seed = 1234;
};

bool overrides_shipped(const TaskCatalog& catalog, const std::string& name) {
    return std::find(catalog.overridden.begin(), catalog.overridden.end(), name) !=
           catalog.overridden.end();
}

int run_list(const TasksOptions& options) {
    auto catalog = load_tasks(options.tasks_dir);
    if (!catalog.ok()) return report_error(catalog.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& task : catalog->tasks) {
        const bool overrides = overrides_shipped(*catalog, task.name);
        nlohmann::json entry = {{"name", task.name},
                                {"kind", task_kind_name(task.kind)},
                                {"description", task.description},
                                {"metrics", task.metrics},
                                {"few_shot_split", task.prompt.few_shot_split},
                                {"file", task.source_path},
                                {"overrides_shipped", overrides}};
        std::vector<std::string> counts;
        for (const auto& [split, spec] : task.data.splits) {
            auto data = load_task_split(task, split, options.data_dir);
            nlohmann::json split_entry = {{"note", spec.note}};
            if (data.ok()) {
                split_entry["examples"] = data->examples.size();
                counts.push_back(split + "=" + std::to_string(data->examples.size()));
            } else {
                split_entry["error"] = data.error().message;
                counts.push_back(split + "=" +
                                 (data.error().code == ErrorCode::kNotFound ? "missing" : "error"));
            }
            entry["splits"][split] = split_entry;
        }
        out.push_back(entry);
        if (!options.json) {
            std::printf("%-14s %-10s %-62s %s%s\n", task.name.c_str(), task_kind_name(task.kind),
                        text::join(task.metrics, ",").c_str(), text::join(counts, " ").c_str(),
                        overrides
                            ? ("  (" + task.source_path + " overrides the shipped task)").c_str()
                            : "");
        }
    }
    if (options.json) std::printf("%s\n", out.dump(2).c_str());
    return 0;
}

int run_validate(const TasksOptions& options) {
    auto task = load_task_file(options.file);
    if (!task.ok()) return report_error(task.error());
    std::printf("%s: task \"%s\" (%s) is valid\n", options.file.c_str(), task->name.c_str(),
                task_kind_name(task->kind));
    // Data checks: every split file that is reachable must load, and its gold labels must be in the
    // label set (the loader checks); a declared label no split uses is worth a warning.
    std::set<std::string> used_labels;
    bool any_loaded = false;
    for (const auto& [split, spec] : task->data.splits) {
        auto source = task_data_source(*task, split, options.data_dir);
        if (!source.ok()) return report_error(source.error());
        std::error_code ec;
        if (!std::filesystem::exists(source->path, ec)) {
            std::printf("  split %-10s %s: not found (skipped; set --data-dir)\n", split.c_str(),
                        source->path.c_str());
            continue;
        }
        auto data = load_task_split(*task, split, options.data_dir);
        if (!data.ok()) return report_error(data.error());
        any_loaded = true;
        for (const auto& example : data->examples) {
            used_labels.insert(example.labels.begin(), example.labels.end());
        }
        std::printf("  split %-10s %zu examples, %zu warnings\n", split.c_str(),
                    data->examples.size(), data->warnings.size());
    }
    if (any_loaded) {
        for (const auto& label : task->label_names()) {
            if (!used_labels.count(label)) {
                std::printf("  warning: label \"%s\" occurs in no loaded split\n", label.c_str());
            }
        }
    }
    return 0;
}

std::string format_metrics(const std::vector<MetricValue>& metrics) {
    std::string out;
    for (const auto& metric : metrics) {
        char buffer[96];
        std::snprintf(buffer, sizeof buffer, "%s%s=%.4f", out.empty() ? "" : " ",
                      metric.name.c_str(), metric.value);
        out += buffer;
    }
    return out;
}

int run_selfcheck(const TasksOptions& options) {
    auto catalog = load_tasks(options.tasks_dir);
    if (!catalog.ok()) return report_error(catalog.error());
    bool all_ok = true;
    for (const auto& task : catalog->tasks) {
        const std::string split = task.data.splits.count(options.split) ? options.split : "test";
        auto data = load_task_split(task, split, options.data_dir);
        if (!data.ok()) return report_error(data.error());
        auto check = self_check(task, data->examples, options.seed);
        if (!check.ok()) return report_error(check.error());
        bool perfect = true;
        for (const auto& metric : check->gold_as_prediction) {
            perfect = perfect && std::fabs(metric.value - 1.0) < 1e-12;
        }
        all_ok = all_ok && perfect;
        std::printf("%-14s %-9s n=%-5zu %s\n  gold:     %s\n  deranged: %s\n", task.name.c_str(),
                    split.c_str(), check->n_examples, perfect ? "ok" : "FAILED",
                    format_metrics(check->gold_as_prediction).c_str(),
                    format_metrics(check->deranged).c_str());
    }
    if (!all_ok) {
        return report_error(make_error(ErrorCode::kInternal,
                                       "gold-as-prediction did not score 1.0 on every metric"));
    }
    return 0;
}

// One line per task: each declared split found (with its file) or missing (with the path looked
// at). Exit 0 when every task's test split is there, 1 otherwise: what a script checks before a
// run.
int run_check_data(const TasksOptions& options) {
    auto catalog = load_tasks(options.tasks_dir);
    if (!catalog.ok()) return report_error(catalog.error());
    std::vector<std::string> lacking_test;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& task : catalog->tasks) {
        std::vector<std::string> found, missing;
        nlohmann::json entry = {{"name", task.name}, {"splits", nlohmann::json::object()}};
        for (const auto& [split, spec] : task.data.splits) {
            auto source = task_data_source(task, split, options.data_dir);
            if (!source.ok()) return report_error(source.error());
            std::vector<std::string> files = {source->path};
            if (!source->secondary_path.empty()) files.push_back(source->secondary_path);
            std::vector<std::string> absent;
            for (const auto& f : files) {
                std::error_code ec;
                if (!std::filesystem::exists(f, ec)) absent.push_back(f);
            }
            entry["splits"][split] = {{"files", files}, {"missing", absent}};
            if (absent.empty()) {
                found.push_back(split);
            } else {
                missing.push_back(split + " (" + text::join(absent, ", ") + ")");
            }
        }
        const bool has_test =
            task.data.splits.count("test") && entry["splits"]["test"]["missing"].empty();
        if (!has_test) lacking_test.push_back(task.name);
        entry["test_present"] = has_test;
        out.push_back(entry);
        if (!options.json) {
            std::printf("%-14s %-7s found: %s%s%s\n", task.name.c_str(),
                        has_test ? "ok" : "MISSING",
                        found.empty() ? "-" : text::join(found, ", ").c_str(),
                        missing.empty() ? "" : "; missing: ", text::join(missing, "; ").c_str());
        }
    }
    if (options.json) std::printf("%s\n", out.dump(2).c_str());
    if (!lacking_test.empty()) {
        std::fprintf(stderr,
                     "biomedq: %zu of %zu tasks lack their test split under %s: %s (README "
                     "\"Getting the data\" "
                     "says where to obtain them; or pass --data-dir)\n",
                     lacking_test.size(), catalog->tasks.size(), options.data_dir.c_str(),
                     text::join(lacking_test, ", ").c_str());
        return 1;
    }
    return 0;
}

}  // namespace

void add_tasks_command(CLI::App& app, CommandRun& chosen) {
    auto options = std::make_shared<TasksOptions>();
    CLI::App* tasks = app.add_subcommand("tasks", "List the task definitions and their data");
    const std::string tasks_dir_help =
        "Folder of your own task YAML files, added to the shipped ones (" +
        default_tasks_dir().string() + "); a task named like a shipped one replaces it";
    tasks->add_option("--tasks-dir", options->tasks_dir, tasks_dir_help);
    tasks->add_option("--data-dir", options->data_dir, "Folder holding the data sets")
        ->capture_default_str();
    tasks->add_flag("--json", options->json, "Print JSON instead of a table");

    CLI::App* validate = tasks->add_subcommand(
        "validate", "Check a task file (fields, names, data files, label set) without a model");
    validate->add_option("file", options->file, "Task YAML file")->required();
    validate->add_option("--data-dir", options->data_dir, "Folder holding the data sets")
        ->capture_default_str();

    CLI::App* selfcheck = tasks->add_subcommand(
        "selfcheck", "Score gold-as-prediction (must be 1.0) and a deranged gold for every task");
    selfcheck->add_option("--data-dir", options->data_dir, "Folder holding the data sets")
        ->capture_default_str();
    selfcheck->add_option("--tasks-dir", options->tasks_dir, tasks_dir_help);
    selfcheck->add_option("--split", options->split, "Split to check (test if a task lacks it)")
        ->capture_default_str();
    selfcheck->add_option("--seed", options->seed, "Seed of the derangement")
        ->capture_default_str();

    CLI::App* check_data =
        tasks->add_subcommand("check-data",
                              "Per task and split, which data files are found and which are "
                              "missing (exit 1 when a test split is)");
    check_data->add_option("--data-dir", options->data_dir, "Folder holding the data sets")
        ->capture_default_str();
    check_data->add_option("--tasks-dir", options->tasks_dir, tasks_dir_help);
    check_data->add_flag("--json", options->json, "Print JSON instead of one line per task");

    tasks->callback([validate, selfcheck, check_data, options, &chosen] {
        if (check_data->parsed()) {
            chosen = [options] { return run_check_data(*options); };
        } else if (validate->parsed()) {
            chosen = [options] { return run_validate(*options); };
        } else if (selfcheck->parsed()) {
            chosen = [options] { return run_selfcheck(*options); };
        } else {
            chosen = [options] { return run_list(*options); };
        }
    });
}

}  // namespace biomedq::cli
