// biomedq imatrix: an importance matrix from the tasks' train/dev text (biomedical calibration),
// for `biomedq quantize --imatrix`.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "biomedq/fidelity.h"
#include "biomedq/task.h"
#include "cli/command.h"
#include "cli/model_run_flags.h"
#include "cli/progress_line.h"
#include "core/text.h"

namespace biomedq::cli {

namespace {

struct ImatrixArgs {
    ImatrixOptions options;
    std::vector<std::string> tasks;
    std::string data_dir;
    std::string tasks_dir;
    std::string out;
    bool json = false;
};

Status run_imatrix(ImatrixArgs args) {
    const auto tasks_dir =
        args.tasks_dir.empty() ? default_tasks_dir() : std::filesystem::path(args.tasks_dir);
    const auto data_dir =
        args.data_dir.empty() ? default_data_dir() : std::filesystem::path(args.data_dir);
    BIOMEDQ_ASSIGN(const CalibrationText calibration,
                   calibration_text(args.tasks, tasks_dir, data_dir));
    args.options.datasets = calibration.sources;
    args.options.on_progress = progress_printer("imatrix");
    BIOMEDQ_ASSIGN(const ImatrixReport report,
                   compute_imatrix(args.options, calibration.text, args.out));
    if (args.json) {
        nlohmann::json j = {{"path", report.path.string()},  {"datasets", calibration.sources},
                            {"n_chunks", report.n_chunks},   {"n_tokens", report.n_tokens},
                            {"n_entries", report.n_entries}, {"t_total_ms", report.t_total_ms}};
        std::printf("%s\n", j.dump(2).c_str());
    } else {
        const std::string sources = text::join(calibration.sources, ", ");
        std::printf("%s: %llu weight matrices from %llu chunks (%llu tokens) of %s, %.1f s\n",
                    report.path.c_str(), static_cast<unsigned long long>(report.n_entries),
                    static_cast<unsigned long long>(report.n_chunks),
                    static_cast<unsigned long long>(report.n_tokens), sources.c_str(),
                    report.t_total_ms / 1000.0);
    }
    return Status::success();
}

}  // namespace

void add_imatrix_command(CLI::App& app, CommandRun& chosen) {
    auto [cmd, args] = add_command<ImatrixArgs>(
        app, chosen, "imatrix",
        "Importance matrix from the tasks' train/dev text, for quantize --imatrix", run_imatrix);
    cmd->add_option("-m,--model", args->options.model_path, "Full-precision GGUF to be quantized")
        ->required();
    cmd->add_option("--task", args->tasks, "Task(s) whose train and dev text calibrate")
        ->required();
    cmd->add_option("--data-dir", args->data_dir, "Data directory (default: ../shared/data)");
    cmd->add_option("--tasks-dir", args->tasks_dir,
                    "Task definitions (default: the shipped tasks/)");
    cmd->add_option("--chunks", args->options.max_chunks,
                    "Chunks used at most (0 = all full chunks)")
        ->capture_default_str();
    add_chunk_run_flags(*cmd, args->options);
    cmd->add_option("-o,--output", args->out, "Output imatrix file (GGUF format)")->required();
    cmd->add_flag("--verbose", args->options.verbose, "Show llama.cpp's log");
    cmd->add_flag("--json", args->json, "Print the report as JSON");
}

}  // namespace biomedq::cli
