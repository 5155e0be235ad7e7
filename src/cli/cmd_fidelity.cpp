// biomedq fidelity: how far a quantized model's next-token distributions drift from its
// full-precision source on biomedical text (KL divergence, top-1 agreement, perplexity ratio).
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "biomedq/fidelity.h"
#include "biomedq/task.h"
#include "cli/command.h"
#include "cli/model_run_flags.h"
#include "cli/progress_line.h"

namespace biomedq::cli {

namespace {

struct FidelityArgs {
    FidelityOptions options;
    std::string text_file;
    std::string task;
    std::string split = "test";
    std::string data_dir;
    std::string tasks_dir;
    bool stream = false;
    bool in_process = false;
    bool json = false;
};

Result<std::string> read_text(const FidelityArgs& args) {
    if (!args.task.empty()) {
        const auto tasks_dir =
            args.tasks_dir.empty() ? default_tasks_dir() : std::filesystem::path(args.tasks_dir);
        const auto data_dir =
            args.data_dir.empty() ? default_data_dir() : std::filesystem::path(args.data_dir);
        return task_split_text(args.task, args.split, tasks_dir, data_dir);
    }
    std::ifstream in(args.text_file, std::ios::binary);
    if (!in)
        return make_error(ErrorCode::kNotFound, args.text_file + ": cannot open the text file");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

nlohmann::json to_json(const FidelityReport& r) {
    auto mwe = [](const MeanWithError& m) {
        return nlohmann::json{{"mean", m.mean}, {"se", m.se}};
    };
    return {{"ref", r.ref_path},
            {"model", r.model_path},
            {"mode", r.mode},
            {"se_method", r.se_method},
            {"ctx", r.ctx},
            {"n_vocab", r.n_vocab},
            {"n_chunks", r.n_chunks},
            {"n_tokens_scored", r.n_tokens_scored},
            {"kl", mwe(r.kl)},
            {"kl_median", r.kl_median},
            {"kl_p99", r.kl_p99},
            {"kl_max", r.kl_max},
            {"top1_agreement", mwe(r.top1_agreement)},
            {"ppl_ref", mwe(r.ppl_ref)},
            {"ppl_model", mwe(r.ppl_model)},
            {"ppl_ratio", mwe(r.ppl_ratio)},
            {"t_total_ms", r.t_total_ms},
            {"bytes_reference_file", r.bytes_reference_file}};
}

int run_fidelity(FidelityArgs args) {
    if (args.stream) args.options.mode = FidelityMode::kStreamed;
    if (args.in_process) args.options.mode = FidelityMode::kInProcess;
    auto text = read_text(args);
    if (!text.ok()) return report_error(text.error());
    args.options.on_progress =
        progress_printer("fidelity");  // stderr: stdout stays the result (or JSON)
    auto report = measure_fidelity(args.options, *text);
    if (!report.ok()) return report_error(report.error());
    const FidelityReport& r = *report;
    if (args.json) {
        std::printf("%s\n", to_json(r).dump(2).c_str());
        return 0;
    }
    std::printf("reference  %s\nmodel      %s\n", r.ref_path.c_str(), r.model_path.c_str());
    std::printf(
        "mode %s, %llu chunks of %d tokens, %llu positions scored (uncertainty: +- 1 se, %s)\n",
        r.mode.c_str(), static_cast<unsigned long long>(r.n_chunks), r.ctx,
        static_cast<unsigned long long>(r.n_tokens_scored), r.se_method.c_str());
    std::printf("KL divergence   mean %.6f +- %.6f   median %.6f   p99 %.6f   max %.6f\n",
                r.kl.mean, r.kl.se, r.kl_median, r.kl_p99, r.kl_max);
    std::printf("top-1 agreement %.2f%% +- %.2f%%\n", 100 * r.top1_agreement.mean,
                100 * r.top1_agreement.se);
    std::printf("perplexity      ref %.4f +- %.4f   model %.4f +- %.4f   ratio %.5f +- %.5f\n",
                r.ppl_ref.mean, r.ppl_ref.se, r.ppl_model.mean, r.ppl_model.se, r.ppl_ratio.mean,
                r.ppl_ratio.se);
    return 0;
}

}  // namespace

void add_fidelity_command(CLI::App& app, CommandRun& chosen) {
    auto args = std::make_shared<FidelityArgs>();
    CLI::App* cmd = app.add_subcommand(
        "fidelity",
        "KL divergence, top-1 agreement and perplexity of a quantized model against its "
        "full-precision source");
    cmd->add_option("--ref", args->options.ref_path, "Full-precision GGUF (f16/bf16/f32)")
        ->required();
    cmd->add_option("-m,--model", args->options.model_path, "Quantized GGUF")->required();
    auto* text = cmd->add_option("--text", args->text_file, "Text file to evaluate on");
    auto* task = cmd->add_option("--task", args->task, "Evaluate on a task's text (see --split)");
    text->excludes(task);
    task->excludes(text);
    cmd->add_option("--split", args->split, "Split of --task")->capture_default_str();
    cmd->add_option("--data-dir", args->data_dir, "Data directory (default: ../shared/data)");
    cmd->add_option("--tasks-dir", args->tasks_dir,
                    "Task definitions (default: the shipped tasks/)");
    add_chunk_run_flags(*cmd, args->options);
    cmd->add_option("--max-tokens", args->options.max_tokens, "Text tokens read at most (0 = all)")
        ->capture_default_str();
    auto* stream = cmd->add_flag(
        "--stream", args->stream,
        "Run the reference first into a reference file (uint16 log-probs per position), then the "
        "model alone (default: automatic, when the memory estimate says both do not fit)");
    auto* in_process = cmd->add_flag("--in-process", args->in_process,
                                     "Load both models even if the estimate says no");
    stream->excludes(in_process);
    cmd->add_option("--reference-file", args->options.reference_file,
                    "Where --stream writes the reference (default: a temporary file, removed)");
    cmd->add_flag("--verbose", args->options.verbose, "Show llama.cpp's log");
    cmd->add_flag("--json", args->json, "Print the report as JSON");
    cmd->callback([args, &chosen] {
        if (args->text_file.empty() && args->task.empty()) {
            throw CLI::ValidationError("--text or --task", "one of them is required");
        }
        chosen = [args] { return run_fidelity(*args); };
    });
}

}  // namespace biomedq::cli
