// `biomedq sweep sweep.yaml`: every model x quantization x prompt cell through eval, into results.sqlite.
#include <cstdio>
#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "biomedq/report.h"
#include "biomedq/store.h"
#include "biomedq/sweep.h"
#include "cli/command.h"
#include "cli/interrupt.h"
#include "core/redact.h"

namespace biomedq::cli {
namespace {

struct SweepArgs {
    std::string file;
    bool dry_run = false;
    std::string gpu_memory;
    bool quiet = false;
};

int dry_run(const SweepSpec& spec, const SweepArgs& args) {
    std::uint64_t budget = 0;
    if (!args.gpu_memory.empty()) {
        auto parsed = parse_byte_size(args.gpu_memory);
        if (!parsed.ok()) return report_error(parsed.error());
        budget = *parsed;
    }
    auto cells = plan_sweep(spec);
    if (!cells.ok()) return report_error(cells.error());
    std::cout << fmt::format("{:<40} {:>12} {:>12} {:>12} {:>12}  {}\n", "cell", "weights", "KV", "compute", "GPU total",
                             budget ? "fits " + format_bytes(budget) + "?" : "");
    int n_over = 0;
    for (const auto& cell : *cells) {
        auto memory = estimate_cell_memory(spec, cell);
        if (!memory.ok()) return report_error(memory.error().with_context(cell.name()));
        const auto& e = memory->estimate;
        const bool fits = !budget || e.bytes_gpu() <= budget;
        if (!fits) ++n_over;
        std::string status = budget ? (fits ? "fits" : "DOES NOT FIT") : "";
        if (memory->estimated_from_source) status += status.empty() ? "(from source, not quantized yet)" : " (from source)";
        if (cell_finished(spec, cell)) status += " [done]";
        std::cout << fmt::format("{:<40} {:>12} {:>12} {:>12} {:>12}  {}\n", cell.name(),
                                 format_bytes(e.bytes_weights_gpu + e.bytes_weights_host), format_bytes(e.bytes_kv),
                                 format_bytes(e.bytes_compute + e.bytes_compute_host), format_bytes(e.bytes_gpu()), status);
    }
    std::cout << fmt::format("{} cells into {}; estimates at ctx {} with {} sequence(s), full offload{}\n", cells->size(),
                             spec.out_dir.string(), spec.ctx, spec.parallel == "auto" ? std::string("1") : spec.parallel,
                             budget ? fmt::format("; {} do not fit", n_over) : "");
    return 0;
}

int run_sweep_command(const SweepArgs& args) {
    auto spec = load_sweep_file(args.file);
    if (!spec.ok()) return report_error(spec.error());
    spec->progress = !args.quiet;
    if (args.dry_run) return dry_run(*spec, args);
    std::error_code ec;
    std::filesystem::create_directories(spec->out_dir, ec);
    const auto store_path = spec->out_dir / "results.sqlite";
    auto store = ResultStore::open(store_path);
    if (!store.ok()) return report_error(store.error());
    SweepCallbacks callbacks;
    callbacks.log = [](const std::string& line) { std::fprintf(stderr, "biomedq sweep: %s\n", line.c_str()); };
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
            std::fprintf(stderr, "biomedq: sweep interrupted; rerun the same command to resume (%s)\n",
                         redact(outcome.error().message).c_str());
            return interrupted_exit_code();
        }
        return report_error(outcome.error());
    }
    std::fprintf(stderr, "biomedq sweep: %d cells (%d run, %d finished earlier, %d models quantized); results in %s\n",
                 outcome->n_cells, outcome->n_run, outcome->n_skipped, outcome->n_quantized, store_path.c_str());
    return 0;
}

}  // namespace

void add_sweep_command(CLI::App& app, CommandRun& chosen) {
    auto args = std::make_shared<SweepArgs>();
    CLI::App* sub = app.add_subcommand("sweep", "Evaluate a grid of models x quantization types x prompts (resumable)");
    sub->add_option("sweep_yaml", args->file, "Sweep definition (YAML)")->required();
    sub->add_flag("--dry-run", args->dry_run, "List the cells with their estimated memory; run nothing");
    sub->add_option("--gpu-memory", args->gpu_memory, "With --dry-run: mark cells that do not fit, e.g. 24GiB");
    sub->add_flag("--quiet", args->quiet, "No per-example progress on stderr");
    sub->callback([args, &chosen] { chosen = [args] { return run_sweep_command(*args); }; });
}

}  // namespace biomedq::cli
