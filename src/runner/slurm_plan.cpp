// Planning a Slurm submission of a sweep: which cells and models still need a job, whether each
// fits a node of the partition, and the sbatch scripts.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "biomedq/slurm.h"
#include "runner/sweep_fidelity.h"

namespace biomedq {
namespace {

constexpr std::uint64_t kMiB = 1ull << 20;

std::string gib(std::uint64_t bytes) {
    return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / (1ull << 30));
}

// Single quotes for the shell: nothing inside is expanded.
std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string sweep_label(const SweepSpec& spec) { return spec.file.stem().string(); }

// The lines every job of a sweep starts with; `what` is the one job-specific comment.
std::string script_head(const SweepSpec& spec, const SlurmOptions& o, const std::string& job_name,
                        const JobRequest& r, const std::string& log_name, const std::string& what) {
    std::string s = "#!/bin/bash\n";
    s += "#SBATCH --job-name=" + job_name + "\n";
    if (!o.partition.empty()) s += "#SBATCH --partition=" + o.partition + "\n";
    if (!o.account.empty()) s += "#SBATCH --account=" + o.account + "\n";
    s += "#SBATCH --nodes=1\n#SBATCH --ntasks=1\n";
    s += fmt::format("#SBATCH --cpus-per-task={}\n", o.cpus_per_cell);
    s += fmt::format("#SBATCH --mem={}M\n", r.bytes_memory / kMiB);
    if (r.gpus > 0) s += fmt::format("#SBATCH --gres=gpu:{}\n", r.gpus);
    if (!o.time_limit.empty()) s += "#SBATCH --time=" + o.time_limit + "\n";
    s += "#SBATCH --chdir=" + o.workdir.string() + "\n";
    s += "#SBATCH --output=" + (spec.out_dir / "slurm" / "logs" / log_name).string() + "\n";
    // "qos=high" and "--qos=high" alike: a value starting with "--" is awkward to pass on a command
    // line.
    for (const auto& line : o.sbatch_lines)
        s += "#SBATCH " + (line.rfind('-', 0) == 0 ? line : "--" + line) + "\n";
    s += "# biomedq sweep " + spec.file.string() + ": " + what + "\n";
    // The cell's llama.cpp threads are the CPUs Slurm gave it, whatever the node has.
    s += "export BIOMEDQ_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"\n";
    return s;
}

std::string run_line(const SlurmOptions& o, const std::string& args) {
    // exec: scancel's SIGTERM reaches biomedq itself, which flushes its sample log and stops.
    return "exec " + shell_quote(o.binary.string()) + " sweep " +
           shell_quote(o.sweep_file.string()) + " " + args + " --quiet\n";
}

bool fits(const JobRequest& r, const SlurmNode& n, const SlurmOptions& o) {
    return r.bytes_memory <= n.bytes_memory && r.gpus <= n.gpus && o.cpus_per_cell <= n.cpus;
}

std::string nodes_summary(const std::vector<SlurmNode>& nodes) {
    std::uint64_t mem = 0;
    int gpus = 0, cpus = 0;
    for (const auto& n : nodes) {
        mem = std::max(mem, n.bytes_memory);
        gpus = std::max(gpus, n.gpus);
        cpus = std::max(cpus, n.cpus);
    }
    return fmt::format("the largest node of the partition has {} memory, {} GPU(s), {} CPUs",
                       gib(mem), gpus, cpus);
}

// Why a request fits no node, or "" when it fits one.
std::string misfit(const JobRequest& r, const std::vector<SlurmNode>& nodes,
                   const SlurmOptions& o) {
    if (std::any_of(nodes.begin(), nodes.end(),
                    [&](const SlurmNode& n) { return fits(r, n, o); })) {
        if (o.gpu_memory > 0 && r.gpus > 0 &&
            r.bytes_gpu > static_cast<std::uint64_t>(r.gpus) * o.gpu_memory) {
            return fmt::format("needs {} of GPU memory, more than {} GPU(s) of {} (--gpu-memory)",
                               gib(r.bytes_gpu), r.gpus, gib(o.gpu_memory));
        }
        return "";
    }
    return fmt::format("needs {} of host memory, {} GPU(s), {} CPU(s); {}", gib(r.bytes_memory),
                       r.gpus, o.cpus_per_cell, nodes_summary(nodes));
}

// Does the cell's model still need its preparation job (quantized file or fidelity missing)?
Result<bool> needs_prepare(const SweepSpec& spec, const SweepCell& cell,
                           std::optional<runner::FidelityText>& text) {
    if (cell.from_source) return false;
    if (!std::filesystem::exists(cell.model_path) || !check_gguf_file(cell.model_path).ok())
        return true;
    if (!spec.fidelity) return false;
    if (!text) {
        BIOMEDQ_ASSIGN(runner::FidelityText t, runner::sweep_fidelity_text(spec));
        text = std::move(t);
    }
    return !std::filesystem::exists(fidelity_cache_path(cell, text->sha256));
}

// Sorts the cells: done and queued ones go to the plan's skipped lists; returns those to submit.
std::vector<std::size_t> cells_to_submit(const std::vector<SweepCell>& cells,
                                         const SweepStatus& status, SlurmPlan& plan) {
    std::vector<std::size_t> to_submit;
    std::set<std::string> queued_arrays;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const CellStatus& c = status.cells.at(i);
        if (c.state == CellState::kDone) {
            plan.skipped_done.push_back(i);
        } else if (c.state == CellState::kRunning || c.state == CellState::kPending) {
            plan.skipped_queued.push_back(i);
            queued_arrays.insert(c.job.substr(0, c.job.find('_')));
        } else {
            to_submit.push_back(i);
        }
    }
    plan.queued_arrays.assign(queued_arrays.begin(), queued_arrays.end());
    return to_submit;
}

// cell -> the first cell of its (source, type): the cell whose index names the model's preparation
// job.
std::map<std::size_t, std::size_t> first_cell_of_model(const std::vector<SweepCell>& cells) {
    std::map<std::size_t, std::size_t> model_of;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        for (std::size_t j = 0; j <= i; ++j) {
            if (cells[j].source_path == cells[i].source_path &&
                cells[j].quant_type == cells[i].quant_type) {
                model_of[i] = j;
                break;
            }
        }
    }
    return model_of;
}

// The preparation jobs the cells depend on, new or already queued, by the model's first cell.
struct PrepareJobs {
    std::map<std::size_t, std::string> name;    // first cell -> job name (new job)
    std::map<std::size_t, std::string> queued;  // first cell -> queued job id
};

SlurmJobScript prepare_job(const SweepSpec& spec, const SlurmOptions& options,
                           const SweepCell& cell, std::size_t m, const JobRequest& r) {
    SlurmJobScript job;
    job.name = fmt::format("prepare-{}", m);
    job.cells = {m};
    job.request = r;
    job.script =
        script_head(spec, options, "biomedq-" + sweep_label(spec) + "-prepare", r,
                    fmt::format("prepare-{}-%j.out", m),
                    "quantize " + cell.source_path.filename().string() + " to " + cell.quant_type +
                        (spec.fidelity ? " and measure its fidelity" : "")) +
        run_line(options, fmt::format("--prepare-cell {}", m));
    return job;
}

// One preparation job per (source, type) that a cell to submit needs; named by the type's first
// cell. A job that fits no node is added to `refused`.
Result<PrepareJobs> plan_prepare_jobs(const SweepSpec& spec, const std::vector<SweepCell>& cells,
                                      const SweepStatus& status,
                                      const std::vector<SlurmNode>& nodes,
                                      const SlurmOptions& options,
                                      const std::vector<std::size_t>& to_submit,
                                      std::map<std::size_t, std::size_t>& model_of, SlurmPlan& plan,
                                      std::vector<std::string>& refused) {
    std::optional<runner::FidelityText> text;
    PrepareJobs prepare;
    for (auto i : to_submit) {
        const std::size_t m = model_of[i];
        if (prepare.name.count(m) || prepare.queued.count(m)) continue;
        if (status.queued_prepare.count(m)) {
            prepare.queued[m] = status.queued_prepare.at(m);
            plan.queued_prepare.push_back(status.queued_prepare.at(m));
            continue;
        }
        BIOMEDQ_ASSIGN(bool needed, needs_prepare(spec, cells[m], text));
        if (!needed) continue;
        BIOMEDQ_ASSIGN(JobRequest r, prepare_job_request(spec, cells[m], options));
        const std::string model = cells[m].model_name + "-" + cells[m].model_path.stem().string();
        if (auto why = misfit(r, nodes, options); !why.empty())
            refused.push_back("preparing " + model + ": " + why);
        SlurmJobScript job = prepare_job(spec, options, cells[m], m, r);
        prepare.name[m] = job.name;
        plan.prepare.push_back(std::move(job));
    }
    return prepare;
}

// Cells as arrays: one per GPU count (Slurm gives all tasks of an array one request), asking for
// the largest memory among its cells.
void plan_cell_arrays(const SweepSpec& spec, const SlurmOptions& options,
                      const std::vector<std::size_t>& to_submit,
                      std::map<std::size_t, JobRequest>& requests,
                      std::map<std::size_t, std::size_t>& model_of, PrepareJobs& prepare,
                      SlurmPlan& plan) {
    std::map<int, std::vector<std::size_t>> by_gpus;
    for (auto i : to_submit) by_gpus[requests[i].gpus].push_back(i);
    for (const auto& [gpus, ids] : by_gpus) {
        SlurmJobScript job;
        job.name = by_gpus.size() == 1 ? "cells" : fmt::format("cells-{}gpu", gpus);
        job.cells = ids;
        job.request.gpus = gpus;
        std::set<std::string> deps_named, deps_queued;
        for (auto i : ids) {
            job.request.bytes_memory = std::max(job.request.bytes_memory, requests[i].bytes_memory);
            job.request.bytes_gpu = std::max(job.request.bytes_gpu, requests[i].bytes_gpu);
            const auto m = model_of[i];
            if (prepare.name.count(m)) deps_named.insert(prepare.name[m]);
            if (prepare.queued.count(m)) deps_queued.insert(prepare.queued[m]);
        }
        job.depends_on_names.assign(deps_named.begin(), deps_named.end());
        job.depends_on_jobs.assign(deps_queued.begin(), deps_queued.end());
        job.dependency_kind = "afterok";
        std::string head = script_head(
            spec, options, "biomedq-" + sweep_label(spec) + "-cells", job.request, "cell-%a-%A.out",
            fmt::format("{} cell(s), one per array task (task id = cell index)", ids.size()));
        const auto at = head.find("# biomedq sweep");  // after the other #SBATCH lines
        head.insert(at, "#SBATCH --array=" + array_spec(ids, options.max_concurrent) + "\n");
        job.script = head + run_line(options, "--cell \"$SLURM_ARRAY_TASK_ID\"");
        plan.arrays.push_back(std::move(job));
    }
}

// Imports every finished cell and writes the report, after all other jobs whatever their outcome.
SlurmJobScript final_job(const SweepSpec& spec, const SlurmOptions& options,
                         const SlurmPlan& plan) {
    SlurmJobScript job;
    job.name = "final";
    job.request.bytes_memory = kBytesProcessMargin;
    for (const auto& j : plan.prepare) job.depends_on_names.push_back(j.name);
    for (const auto& j : plan.arrays) job.depends_on_names.push_back(j.name);
    job.depends_on_jobs = plan.queued_arrays;
    job.dependency_kind = "afterany";  // runs whatever happened, and then names what is missing
    SlurmOptions one_cpu = options;
    one_cpu.cpus_per_cell = 1;
    job.script = script_head(spec, one_cpu, "biomedq-" + sweep_label(spec) + "-final", job.request,
                             "final-%j.out",
                             "import every finished cell into results.sqlite and write report/") +
                 run_line(options, "--finish");
    return job;
}

}  // namespace

std::vector<std::string> sbatch_command(const SlurmJobScript& job,
                                        const std::filesystem::path& script_path,
                                        const std::map<std::string, std::string>& ids_by_name) {
    std::vector<std::string> argv = {"sbatch", "--parsable"};
    std::string deps;
    for (const auto& name : job.depends_on_names) {
        const auto id = ids_by_name.find(name);
        deps += ":" + (id == ids_by_name.end() ? "<" + name + ">" : id->second);
    }
    for (const auto& id : job.depends_on_jobs) deps += ":" + id;
    if (!deps.empty()) {
        argv.push_back("--dependency=" + job.dependency_kind + deps);
        // A cell whose model job failed can never start: Slurm cancels it instead of leaving it
        // pending.
        if (job.dependency_kind == "afterok") argv.push_back("--kill-on-invalid-dep=yes");
    }
    argv.push_back(script_path.string());
    return argv;
}

Result<SlurmPlan> plan_slurm_submission(const SweepSpec& spec, const std::vector<SweepCell>& cells,
                                        const SweepStatus& status,
                                        const std::vector<SlurmNode>& nodes,
                                        const SlurmOptions& options) {
    if (options.cpus_per_cell < 1) {
        return make_error(ErrorCode::kInvalidArgument,
                          "--cpus-per-cell: expected a whole number >= 1");
    }
    if (options.max_concurrent < 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          "--max-concurrent: expected a whole number >= 0 (0: no limit)");
    }
    SlurmPlan plan;
    const std::vector<std::size_t> to_submit = cells_to_submit(cells, status, plan);
    if (to_submit.empty() && !status.queued_final.empty()) return plan;  // everything is on its way

    // Requests and the fit check, for every cell before anything is planned further.
    std::map<std::size_t, JobRequest> requests;
    std::vector<std::string> refused;
    for (auto i : to_submit) {
        BIOMEDQ_ASSIGN(JobRequest r, cell_job_request(spec, cells[i], options));
        if (auto why = misfit(r, nodes, options); !why.empty())
            refused.push_back(cells[i].name() + ": " + why);
        requests[i] = r;
    }
    std::map<std::size_t, std::size_t> model_of = first_cell_of_model(cells);
    BIOMEDQ_ASSIGN(PrepareJobs prepare, plan_prepare_jobs(spec, cells, status, nodes, options,
                                                          to_submit, model_of, plan, refused));
    if (!refused.empty()) {
        std::string msg = fmt::format(
            "{} job(s) cannot run on partition {}; nothing was submitted:", refused.size(),
            options.partition.empty() ? "(default)" : options.partition);
        for (const auto& r : refused) msg += "\n  " + r;
        return make_error(ErrorCode::kResource, msg);
    }
    plan_cell_arrays(spec, options, to_submit, requests, model_of, prepare, plan);
    plan.final_job = final_job(spec, options, plan);
    plan.stale_final_job = status.queued_final;
    return plan;
}

}  // namespace biomedq
