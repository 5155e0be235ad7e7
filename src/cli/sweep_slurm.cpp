// `biomedq sweep --slurm` and the commands its jobs run.
#include "cli/sweep_slurm.h"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "biomedq/report.h"
#include "biomedq/store.h"
#include "cli/command.h"
#include "cli/interrupt.h"
#include "core/text.h"

namespace biomedq::cli {
namespace {

SweepCallbacks stderr_log() {
    SweepCallbacks callbacks;
    callbacks.log = [](const std::string& line) {
        std::fprintf(stderr, "biomedq sweep: %s\n", line.c_str());
    };
    return callbacks;
}

std::string cell_list(const std::vector<std::size_t>& ids) { return array_spec(ids, 0); }

}  // namespace

int slurm_submit_command(const SweepSpec& spec, SlurmCliArgs args) {
    if (!args.gpu_memory.empty()) {
        auto parsed = parse_byte_size(args.gpu_memory);
        if (!parsed.ok()) return report_error(parsed.error());
        args.options.gpu_memory = *parsed;
    }
    std::error_code ec;
    args.options.binary = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec)
        return report_error(
            make_error(ErrorCode::kIo, "cannot find this biomedq binary: " + ec.message()));
    args.options.sweep_file = spec.file;
    args.options.workdir = std::filesystem::current_path();
    const SlurmExec exec = system_slurm_exec();

    auto cells = plan_sweep(spec);
    if (!cells.ok()) return report_error(cells.error());
    auto nodes = query_partition_nodes(args.options.partition, exec);
    if (!nodes.ok()) return report_error(nodes.error());
    auto status = slurm_sweep_status(spec, *cells, exec);
    if (!status.ok()) return report_error(status.error());
    auto plan = plan_slurm_submission(spec, *cells, *status, *nodes, args.options);
    if (!plan.ok()) return report_error(plan.error());

    std::size_t n_new = 0;
    for (const auto& a : plan->arrays) n_new += a.cells.size();
    std::fprintf(stderr,
                 "biomedq sweep: %zu cells: %zu finished, %zu queued or running, %zu to submit\n",
                 cells->size(), plan->skipped_done.size(), plan->skipped_queued.size(), n_new);
    if (plan->arrays.empty() && plan->prepare.empty() && !plan->final_job) {
        std::fprintf(stderr, "biomedq sweep: nothing to submit; the final job %s is queued\n",
                     status->queued_final.c_str());
        return 0;
    }
    if (args.dry_run) {
        std::vector<const SlurmJobScript*> jobs;
        for (const auto& j : plan->prepare) jobs.push_back(&j);
        for (const auto& j : plan->arrays) jobs.push_back(&j);
        if (plan->final_job) jobs.push_back(&*plan->final_job);
        for (const auto* j : jobs) {
            const std::string cmd = text::join(sbatch_command(*j, j->name + ".sh"), " ");
            std::cout << "# ---- " << j->name << ".sh  (" << cmd << ")\n" << j->script << "\n";
        }
        if (!plan->stale_final_job.empty())
            std::cout << "# scancel " << plan->stale_final_job << "\n";
        return 0;
    }
    auto submitted = submit_slurm_plan(spec, *plan, exec);
    if (!submitted.ok()) return report_error(submitted.error());
    for (const auto& [job, cell] : submitted->prepare_jobs) {
        std::fprintf(stderr, "biomedq sweep: job %s prepares %s\n", job.c_str(),
                     (*cells)[cell].model_path.c_str());
    }
    for (const auto& [job, ids] : submitted->arrays) {
        std::fprintf(stderr, "biomedq sweep: array job %s runs cells %s\n", job.c_str(),
                     cell_list(ids).c_str());
    }
    std::fprintf(stderr, "biomedq sweep: final job %s imports into %s and writes %s\n",
                 submitted->final_job.c_str(), (spec.out_dir / "results.sqlite").c_str(),
                 (spec.out_dir / "report").c_str());
    std::printf("%s\n", submitted->final_job.c_str());  // for scripts: wait on this job
    return 0;
}

int slurm_status_command(const SweepSpec& spec) {
    auto cells = plan_sweep(spec);
    if (!cells.ok()) return report_error(cells.error());
    auto status = slurm_sweep_status(spec, *cells, system_slurm_exec());
    if (!status.ok()) return report_error(status.error());
    std::map<CellState, int> counts;
    std::cout << fmt::format("{:>4}  {:<40} {:<14} {:<12} {:>8}  {}\n", "cell", "name", "state",
                             "job", "samples", "");
    for (const auto& c : status->cells) {
        ++counts[c.state];
        std::cout << fmt::format("{:>4}  {:<40} {:<14} {:<12} {:>8}  {}\n", c.index, c.name,
                                 cell_state_name(c.state), c.job.empty() ? "-" : c.job, c.n_samples,
                                 c.detail);
    }
    std::cout << fmt::format(
        "{} cells: {} done, {} running, {} pending, {} failed, {} not submitted{}\n",
        status->cells.size(), counts[CellState::kDone], counts[CellState::kRunning],
        counts[CellState::kPending], counts[CellState::kFailed], counts[CellState::kNotSubmitted],
        status->queued_final.empty() ? "" : "; final job " + status->queued_final + " queued");
    if (counts[CellState::kFailed] + counts[CellState::kNotSubmitted] > 0) {
        std::cout << "submit again (biomedq sweep " << spec.file.string()
                  << " --slurm ...) to run the failed and unsubmitted cells; they resume from "
                     "their sample logs\n";
    }
    return 0;
}

int sweep_cell_command(const SweepSpec& spec, long long index, bool prepare_only) {
    if (index < 0)
        return report_error(make_error(ErrorCode::kInvalidArgument, "cell index must be >= 0"));
    const auto i = static_cast<std::size_t>(index);
    auto outcome = prepare_only
                       ? prepare_sweep_cell_model(spec, i, stderr_log())
                       : run_sweep_cell(spec, i, stderr_log(), install_interrupt_handler());
    if (!outcome.ok()) {
        if (outcome.error().code == ErrorCode::kCancelled) {
            std::fprintf(
                stderr,
                "biomedq: cell %zu interrupted; its sample log is kept and a resubmit resumes it\n",
                i);
            return 130;
        }
        return report_error(outcome.error());
    }
    return 0;
}

int sweep_finish_command(const SweepSpec& spec) {
    auto cells = plan_sweep(spec);
    if (!cells.ok()) return report_error(cells.error());
    const auto store_path = spec.out_dir / "results.sqlite";
    std::vector<std::string> missing;
    {
        auto store = ResultStore::open(store_path);
        if (!store.ok()) return report_error(store.error());
        for (const auto& cell : *cells) {
            if (!cell_finished(spec, cell)) {
                missing.push_back(cell.name());
                continue;
            }
            ImportOptions options;
            options.model_name = cell.model_name;
            options.quant_type = cell.quant_type;
            auto id = store->import_run(cell.run_dir, options);
            if (!id.ok()) return report_error(id.error().with_context(cell.name()));
        }
    }
    auto written = write_report(store_path, spec.out_dir / "report");
    if (!written.ok()) return report_error(written.error());
    std::fprintf(stderr, "biomedq sweep: %zu of %zu cells in %s; report in %s\n",
                 cells->size() - missing.size(), cells->size(), store_path.c_str(),
                 (spec.out_dir / "report").c_str());
    if (!missing.empty()) {
        const std::string names = text::join(missing, ", ");
        return report_error(make_error(
            ErrorCode::kBackend,
            fmt::format("{} cell(s) not finished: {}; submit the sweep again to run them",
                        missing.size(), names)));
    }
    return 0;
}

}  // namespace biomedq::cli
