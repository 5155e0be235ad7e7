// `biomedq sweep sweep.yaml`: every model x quantization x prompt cell through eval, into
// results.sqlite.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "biomedq/report.h"
#include "biomedq/store.h"
#include "biomedq/sweep.h"
#include "cli/command.h"
#include "cli/interrupt.h"
#include "cli/sweep_slurm.h"
#include "core/redact.h"
#include "runner/eval_spec_options.h"

namespace biomedq::cli {
namespace {

// The eval options a sweep takes, from the one table (runner/eval_spec_options.h), with defaults.
std::string eval_option_keys() {
    const EvalSpec defaults;
    std::string out;
    for (const auto& option : runner::spec_options()) {
        if (option.per_cell) continue;
        const std::string value = std::visit(
            [&](auto member) { return nlohmann::json(defaults.*member).dump(); }, option.member);
        out += fmt::format("  {:<20} {} (eval {}{})\n", option.key, value, option.flag,
                           option.negated_flag ? " sets false" : "");
    }
    return out;
}

struct SweepArgs {
    std::string file;
    bool dry_run = false;
    std::string gpu_memory;
    bool quiet = false;
    bool slurm = false;
    SlurmCliArgs slurm_args;
    long long cell = -1;
    long long prepare_cell = -1;
    bool finish = false;
};

std::string format_duration(double seconds) {
    if (seconds < 0) return "-";
    const auto s = static_cast<long long>(std::llround(seconds));
    if (s < 60) return fmt::format("{}s", s);
    if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
    return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

struct DryRunTotals {
    int n_over = 0;       // cells that do not fit the budget
    int n_estimated = 0;  // cells sized by the formula, not llama.cpp's simulation
    int n_timed = 0;      // cells with a measured time estimate
    double seconds = 0;   // their estimated time
};

// What the dry run's columns mean and add up to.
void print_dry_run_notes(const SweepSpec& spec, std::size_t n_cells, std::uint64_t budget,
                         bool show_auto, const DryRunTotals& totals) {
    std::cout << fmt::format(
        "{} cells into {}; memory at ctx {} with {} sequence(s), full offload{}\n", n_cells,
        spec.out_dir.string(), spec.ctx_per_sequence,
        spec.parallel == "auto" ? std::string("1") : spec.parallel,
        budget ? fmt::format("; {} do not fit", totals.n_over) : "");
    std::cout << "source: simulation = llama.cpp's no-alloc load of the cell's file on this host "
                 "(no GPU here: "
                 "every buffer but token_embd and the logits counted as GPU memory; GPU total "
                 "includes the "
                 "measured device overhead where a GPU holds the buffers); estimate = formula from "
                 "GGUF metadata ("
              << totals.n_estimated
              << " cell(s): not quantized yet, or llama.cpp could not read the file)"
              << (show_auto ? "; auto = the --parallel auto eval would choose on a GPU of that size"
                            : "")
              << "\n";
    if (totals.n_timed == 0) {
        std::cout << "est. time: none yet; it is measured, not guessed: run one cell (biomedq "
                     "sweep FILE --cell 0, or "
                     "the whole sweep and stop it) and --dry-run estimates every cell from its "
                     "seconds per example\n";
    } else {
        std::cout << fmt::format(
            "est. time: {} for the {} cell(s) estimated; seconds per example of runs in {} (the "
            "cell's own, else the nearest cell with the same prompt, scaled by weight bytes), "
            "times the cell's examples; model loading and quantizing not included\n",
            format_duration(totals.seconds), totals.n_timed, (spec.out_dir / "runs").string());
    }
}

// One row per cell: examples, memory, estimated time, status, then its tasks with their example
// counts (last, as the one column of variable width).
int dry_run(const SweepSpec& spec, const SweepArgs& args) {
    std::uint64_t budget = 0;
    if (!args.gpu_memory.empty()) {
        auto parsed = parse_byte_size(args.gpu_memory);
        if (!parsed.ok()) return report_error(parsed.error());
        budget = *parsed;
    }
    auto cells = plan_sweep(spec);
    if (!cells.ok()) return report_error(cells.error());
    auto examples = sweep_task_examples(spec);
    if (!examples.ok()) return report_error(examples.error());
    int n_examples = 0;
    std::string tasks_column;
    std::vector<std::string> missing;
    for (const auto& t : *examples) {
        tasks_column += (tasks_column.empty() ? "" : " ") + t.task + ":" +
                        (t.n_examples >= 0 ? std::to_string(t.n_examples) : std::string("missing"));
        if (t.n_examples >= 0) n_examples += t.n_examples;
        if (!t.missing.empty()) missing.push_back(t.task + ": " + t.missing);
    }
    const bool show_auto = budget && spec.parallel == "auto";
    std::cout << fmt::format(
        "{:<36} {:>8} {:>11} {:>11} {:>11} {:>11} {:>10} {:>5} {:>9}  {:<24} {}\n", "cell",
        "examples", "weights", "KV", "compute", "GPU total", "source", show_auto ? "auto" : "",
        "est. time", budget ? "fits " + format_bytes(budget) + "?" : "status", "tasks (examples)");
    DryRunTotals totals;
    for (std::size_t i = 0; i < cells->size(); ++i) {
        const auto& cell = (*cells)[i];
        auto memory = estimate_cell_memory(spec, cell);
        if (!memory.ok()) return report_error(memory.error().with_context(cell.name()));
        const auto& e = memory->estimate;
        const bool fits = !budget || memory->bytes_gpu_budgeted() <= budget;
        if (!fits) ++totals.n_over;
        if (memory->source != "simulation") ++totals.n_estimated;
        std::string parallel;
        if (show_auto) {
            auto p = cell_parallel_within(spec, cell, budget);
            if (!p.ok()) return report_error(p.error().with_context(cell.name()));
            parallel = std::to_string(*p);
        }
        std::string status = budget ? (fits ? "fits" : "DOES NOT FIT") : "";
        if (memory->estimated_from_source)
            status += status.empty() ? "not quantized yet" : ", not quantized yet";
        if (cell_finished(spec, cell)) status += status.empty() ? "done" : ", done";
        const CellTimeEstimate time = estimate_cell_time(spec, *cells, i, n_examples);
        if (time.seconds >= 0) {
            totals.seconds += time.seconds;
            ++totals.n_timed;
        }
        std::cout << fmt::format(
            "{:<36} {:>8} {:>11} {:>11} {:>11} {:>11} {:>10} {:>5} {:>9}  {:<24} {}\n", cell.name(),
            n_examples, format_bytes(e.bytes_weights_gpu + e.bytes_weights_host),
            format_bytes(e.bytes_kv), format_bytes(e.bytes_compute + e.bytes_compute_host),
            format_bytes(memory->bytes_gpu_budgeted()), memory->source, parallel,
            format_duration(time.seconds), status, tasks_column);
    }
    print_dry_run_notes(spec, cells->size(), budget, show_auto, totals);
    for (const auto& m : missing) std::cout << "missing data: " << m << "\n";
    return 0;
}

int run_sweep_command(const SweepArgs& args) {
    const bool job_mode = args.slurm || args.cell >= 0 || args.prepare_cell >= 0 || args.finish;
    // Jobs run elsewhere and later: every path they see (models, run directories) is absolute, and
    // the same for the submitter, the jobs and --status, so a cell is the same cell wherever it is
    // checked.
    auto spec = load_sweep_file(job_mode ? std::filesystem::absolute(args.file)
                                         : std::filesystem::path(args.file));
    if (!spec.ok()) return report_error(spec.error());
    spec->progress = !args.quiet;
    if (args.cell >= 0) return sweep_cell_command(*spec, args.cell, false);
    if (args.prepare_cell >= 0) return sweep_cell_command(*spec, args.prepare_cell, true);
    if (args.finish) return sweep_finish_command(*spec);
    if (args.slurm && args.slurm_args.status) return slurm_status_command(*spec);
    if (args.slurm) {
        SlurmCliArgs slurm = args.slurm_args;
        slurm.dry_run = args.dry_run;
        slurm.gpu_memory = args.gpu_memory;
        return slurm_submit_command(*spec, slurm);
    }
    if (args.dry_run) return dry_run(*spec, args);
    std::error_code ec;
    std::filesystem::create_directories(spec->out_dir, ec);
    const auto store_path = spec->out_dir / "results.sqlite";
    auto store = ResultStore::open(store_path);
    if (!store.ok()) return report_error(store.error());
    SweepCallbacks callbacks;
    callbacks.log = [](const std::string& line) {
        std::fprintf(stderr, "biomedq sweep: %s\n", line.c_str());
    };
    callbacks.on_cell_finished = [&](const SweepCell& cell) -> Status {
        ImportOptions options;
        options.model_name = cell.model_name;
        options.quant_type = cell.quant_type;
        auto id = store->import_run(cell.run_dir, options);
        if (!id.ok()) return id.error();
        return Status::success();
    };
    auto outcome = run_sweep(*spec, callbacks, install_interrupt_handler());
    if (!outcome.ok()) {
        if (outcome.error().code == ErrorCode::kCancelled) {
            std::fprintf(stderr,
                         "biomedq: sweep interrupted; rerun the same command to resume (%s)\n",
                         redact(outcome.error().message).c_str());
            return interrupted_exit_code();
        }
        return report_error(outcome.error());
    }
    std::fprintf(stderr,
                 "biomedq sweep: %d cells (%d run, %d finished earlier, %d models quantized); "
                 "results in %s\n",
                 outcome->n_cells, outcome->n_run, outcome->n_skipped, outcome->n_quantized,
                 store_path.c_str());
    return 0;
}

}  // namespace

void add_sweep_command(CLI::App& app, CommandRun& chosen) {
    auto [sub, args] = add_command<SweepArgs>(
        app, chosen, "sweep",
        "Evaluate a grid of models x quantization types x prompts (resumable)", run_sweep_command);
    sub->add_option("sweep_yaml", args->file, "Sweep definition (YAML)")->required();
    // The keys are the YAML's, not options, so CLI11 cannot list them: kept beside the parser's
    // defaults (SweepSpec) and tested against examples/sweep.yaml, which comments each one.
    sub->footer(
        "sweep.yaml keys (relative paths are relative to the YAML file; examples/sweep.yaml "
        "comments each, "
        "examples/sweep-small.yaml runs in minutes on the tiny model):\n"
        "  models               required: list of {name, path}, full-precision GGUF sources "
        "(f16/bf16/f32)\n"
        "  quant_types          required: llama.cpp types, e.g. [q8_0, q6_k, q5_k_m, q4_k_m, "
        "iq4_xs, q3_k_m,\n"
        "                       q2_k]; the source's own type is always a cell too (the reference)\n"
        "  tasks                required: task names (biomedq tasks)\n"
        "  prompts              [zero-shot]; also few-shot:K, cot, cot:K\n"
        "  out                  <yaml folder>/<yaml stem>: runs/, quantized/, results.sqlite\n"
        "  parallel             auto (largest that fits), or a number\n"
        "  gpu_layers           -1 (all)\n"
        "  bootstrap_resamples  1000 (95% CIs)\n"
        "  data_dir             the default data folder\n"
        "  tasks_dir            none: a folder of your own tasks, added to the shipped ones\n"
        "  fidelity             {tokens: 4096, ctx: 512}, or off\n" +
        eval_option_keys() +
        "A finished cell is never rerun, however the YAML's path is spelled: cells are matched by "
        "model hash "
        "and configuration.\n"
        "--dry-run: per cell its examples, memory and an estimated time (seconds per example "
        "measured by "
        "cells already run, scaled by weight bytes).");
    sub->add_flag("--dry-run", args->dry_run,
                  "List the cells with their tasks, examples, memory (llama.cpp's simulation where "
                  "the file exists) "
                  "and estimated time; run nothing");
    sub->add_option("--gpu-memory", args->gpu_memory,
                    "With --dry-run: mark cells that do not fit, e.g. 24GiB; with --slurm: the "
                    "memory of one GPU");
    sub->add_flag("--quiet", args->quiet, "No per-example progress on stderr");
    auto* slurm = sub->add_flag(
        "--slurm", args->slurm,
        "Submit to Slurm: a job per model to quantize, the cells as a job array, a final job "
        "that fills results.sqlite and report/ (with --dry-run: print the sbatch scripts)");
    auto& o = args->slurm_args.options;
    sub->add_flag("--status", args->slurm_args.status,
                  "With --slurm: cells done / running / pending / failed")
        ->needs(slurm);
    sub->add_option("--partition", o.partition,
                    "With --slurm: partition (default: the cluster's default)")
        ->needs(slurm);
    sub->add_option("--account", o.account, "With --slurm: account to charge")->needs(slurm);
    sub->add_option(
           "--gpus-per-cell", o.gpus_per_cell,
           "With --slurm: GPUs per cell, or auto (the fewest of --gpu-memory that hold the cell)")
        ->capture_default_str()
        ->needs(slurm);
    sub->add_option("--cpus-per-cell", o.cpus_per_cell, "With --slurm: CPUs (and threads) per cell")
        ->capture_default_str()
        ->needs(slurm);
    sub->add_option("--time", o.time_limit, "With --slurm: time limit per job, e.g. 04:00:00")
        ->needs(slurm);
    sub->add_option("--max-concurrent", o.max_concurrent,
                    "With --slurm: array tasks running at once (0: no limit)")
        ->capture_default_str()
        ->needs(slurm);
    sub->add_option("--sbatch-line", o.sbatch_lines,
                    "With --slurm: an extra #SBATCH line for every job, e.g. qos=high (repeatable)")
        ->needs(slurm);
    sub->add_option("--cell", args->cell,
                    "Run only cell N of the plan, no store (what a Slurm array task runs)");
    sub->add_option(
        "--prepare-cell", args->prepare_cell,
        "Quantize cell N's model and measure its fidelity (what a Slurm preparation job runs)");
    sub->add_flag("--finish", args->finish,
                  "Import every finished cell into results.sqlite and write report/ (what the "
                  "final Slurm job runs)");
}

}  // namespace biomedq::cli
