// `biomedq sweep sweep.yaml --slurm`: a sweep's cells as Slurm jobs on a shared filesystem.
//
// Jobs of one submission:
//   1. one preparation job per (source, quantization type) a cell needs and the cache lacks:
//   quantizes
//      the source and measures the fidelity (`biomedq sweep Y --prepare-cell N`, N the type's first
//      cell);
//   2. the cells as a job array whose task ids are the cell indices (`--array=<ids>%<max
//   concurrent>`,
//      `biomedq sweep Y --cell $SLURM_ARRAY_TASK_ID`), depending on those jobs (afterok). Each task
//      runs one cell through the same code as the in-process sweep into its own run directory;
//      Slurm gives every task of an array one request, so cells needing different GPU counts go in
//      one array each;
//   3. a final job (afterany: it runs even when a task failed, and then names the missing cells)
//   that
//      imports every finished cell into <out>/results.sqlite and writes <out>/report/. It is the
//      only writer of the store.
// Every submission is recorded in <out>/slurm/jobs.json; submitting again skips the finished cells
// and the ones still queued or running, and resubmits the rest, which resume from their sample
// logs.
//
// Everything that talks to Slurm goes through a SlurmExec (argv -> exit code, stdout, stderr),
// so tests can script a cluster; the real one runs the Slurm client commands.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "biomedq/result.h"
#include "biomedq/sweep.h"

namespace biomedq {

struct ExecOutput {
    int exit_code = -1;  // 127: not found; 128+signal: killed
    std::string out;
    std::string err;
};
// Runs argv[0] (searched on PATH), stdin empty.
using SlurmExec = std::function<Result<ExecOutput>(const std::vector<std::string>& argv)>;
// The real commands, each bounded by `timeout_s` (a hung controller is an error, not a hang).
SlurmExec system_slurm_exec(int timeout_s = 120);

struct SlurmOptions {
    std::string partition;            // empty: the cluster's default partition
    std::string account;              // empty: the user's default
    std::string gpus_per_cell = "0";  // a number, or "auto": the fewest GPUs of gpu_memory that fit
    std::uint64_t gpu_memory = 0;  // bytes per GPU: the GPU fit check, and "auto"; 0: not checked
    int cpus_per_cell = 1;         // --cpus-per-task; also the cell's thread count
    std::string time_limit;        // sbatch --time; empty: the partition's default
    int max_concurrent = 0;        // array throttle (%N); 0: none
    std::vector<std::string> sbatch_lines;  // extra #SBATCH lines: "qos=high" or "--qos=high"
    std::filesystem::path binary;           // the biomedq the jobs run (absolute)
    std::filesystem::path sweep_file;       // absolute
    std::filesystem::path workdir;          // the jobs' working directory
};

// What one job asks Slurm for.
struct JobRequest {
    std::uint64_t bytes_memory = 0;  // --mem (host), rounded up to whole MiB
    int gpus = 0;
    std::uint64_t bytes_gpu = 0;  // per cell, over all its GPUs (from the estimate; 0 on CPU)
};

// A cell's request from the memory estimate (estimate_cell_memory: its model, type, ctx, parallel
// and KV type). On CPU (0 GPUs) everything the estimate holds is host memory; with GPUs, only the
// parts left on the host. Both add kBytesProcessMargin for the process itself (data sets,
// tokenizer, code). Errors: "auto" GPUs without gpu_memory; a GPU count that is not a whole number
// >= 0.
constexpr std::uint64_t kBytesProcessMargin = 1ull << 30;
Result<JobRequest> cell_job_request(const SweepSpec& spec, const SweepCell& cell,
                                    const SlurmOptions& options);
// A preparation job: quantizing streams tensor by tensor; measuring fidelity holds the source and
// the quantized model at the fidelity context at once.
Result<JobRequest> prepare_job_request(const SweepSpec& spec, const SweepCell& cell,
                                       const SlurmOptions& options);

// One node of a partition, from `sinfo -h -N -p P -o "%N|%c|%m|%G|%T"`.
struct SlurmNode {
    std::string name;
    int cpus = 0;
    std::uint64_t bytes_memory = 0;  // RealMemory
    int gpus = 0;                    // from GRES gpu[:type]:N
    std::string state;
};
// Errors (kParse) name the line and field; no node at all is kNotFound naming the partition.
Result<std::vector<SlurmNode>> parse_sinfo_nodes(const std::string& text,
                                                 const std::string& partition);

// `sbatch --parsable` prints "<id>" or "<id>;<cluster>".
Result<std::string> parse_sbatch_job_id(const std::string& text);

// A job or array task and its state, from squeue, sacct or scontrol.
struct SlurmJobState {
    std::string job_id;   // the array's job id for array tasks
    int array_task = -1;  // -1: not an array task
    std::string state;    // PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ...
};
// `squeue -h -r -o "%F|%K|%T"` (array tasks one per line; %K is N/A for plain jobs).
Result<std::vector<SlurmJobState>> parse_squeue(const std::string& text);
// `sacct -n -P -X -o JobID,State`: "123_4|CANCELLED by 0", "123_[5-7%2]|PENDING", "124|COMPLETED".
Result<std::vector<SlurmJobState>> parse_sacct(const std::string& text);
// `scontrol -o show job <id>`: one line of Key=Value per job (ArrayJobId, ArrayTaskId, JobState);
// what a cluster without accounting still knows about jobs that ended less than MinJobAge ago.
Result<std::vector<SlurmJobState>> parse_scontrol_jobs(const std::string& text);

// `--array` value for these task ids: runs of consecutive ids as ranges ("0-3,6,8-9"), then "%max".
std::string array_spec(const std::vector<std::size_t>& ids, int max_concurrent);

// What a submission recorded (<out>/slurm/jobs.json).
struct SlurmSubmission {
    std::string submitted_at;  // UTC ISO 8601
    std::map<std::string, std::size_t>
        prepare_jobs;  // job id -> cell index whose model it prepares
    std::map<std::string, std::vector<std::size_t>> arrays;  // array job id -> cell indices
    std::string final_job;
};
std::filesystem::path slurm_jobs_path(const SweepSpec& spec);
Result<std::vector<SlurmSubmission>> load_slurm_submissions(
    const SweepSpec& spec);  // none yet: empty

// Where each cell stands. kFailed: submitted, not finished, and no longer queued (cancelled,
// preempted, out of time, or failed; `detail` says which when Slurm still knows).
enum class CellState { kDone, kRunning, kPending, kFailed, kNotSubmitted };
const char* cell_state_name(CellState state);
struct CellStatus {
    std::size_t index = 0;
    std::string name;
    CellState state = CellState::kNotSubmitted;
    std::string job;  // "<array job>_<index>" of its latest submission; empty if never submitted
    std::string
        detail;  // Slurm's state word when it differs from `state`'s name, e.g. "CANCELLED by 0"
    std::size_t n_samples = 0;  // lines in its sample log
};
struct SweepStatus {
    std::vector<CellStatus> cells;
    std::map<std::size_t, std::string>
        queued_prepare;        // cell index -> its preparation job, still queued
    std::string queued_final;  // the latest final job while queued
    std::string
        accounting;  // where ended jobs' states came from: "sacct", "scontrol", or "" (neither)
};
// From the run directories (cell_finished, sample lines), jobs.json, squeue, and for jobs no longer
// queued sacct, or scontrol where the cluster keeps no accounting. Errors: squeue failing
// (kBackend).
Result<SweepStatus> slurm_sweep_status(const SweepSpec& spec, const std::vector<SweepCell>& cells,
                                       const SlurmExec& exec);

// One job's sbatch script, and what it does.
struct SlurmJobScript {
    std::string name;    // "prepare-<cell name>", "cells", "final"
    std::string script;  // the whole file, "#!/bin/bash" first
    std::vector<std::size_t>
        cells;  // prepare: the cell it prepares for; cells: the array's task ids
    JobRequest request;
    std::vector<std::string> depends_on_names;  // names of jobs of this plan it waits for
    std::vector<std::string> depends_on_jobs;   // ids of jobs queued before that it waits for
    std::string dependency_kind;  // "afterok" (cells on their models) or "afterany" (final)
};
// The sbatch command line of a job, with the dependency on jobs of this plan by name
// ("<prepare-...>") until they have ids: what --dry-run prints and, with ids, what
// submit_slurm_plan runs.
std::vector<std::string> sbatch_command(const SlurmJobScript& job,
                                        const std::filesystem::path& script_path,
                                        const std::map<std::string, std::string>& ids_by_name = {});

struct SlurmPlan {
    std::vector<SlurmJobScript> prepare;
    std::vector<SlurmJobScript> arrays;
    std::optional<SlurmJobScript> final_job;
    std::vector<std::size_t> skipped_done;  // finished cells
    std::vector<std::size_t>
        skipped_queued;  // cells still queued or running from a submission before
    std::vector<std::string>
        queued_arrays;  // those cells' array jobs: the final job waits for them too
    std::vector<std::string>
        queued_prepare;           // preparation jobs still queued that new cells wait for
    std::string stale_final_job;  // an earlier final job still queued: cancelled on submit
};

// Plans a submission: which cells (not finished, not queued), which preparation jobs, the scripts.
// Refuses before anything is submitted (kResource) when a cell's request fits no node of the
// partition, naming every such cell, what it needs and what the nodes have. `status` comes from
// slurm_sweep_status; `nodes` from parse_sinfo_nodes.
Result<SlurmPlan> plan_slurm_submission(const SweepSpec& spec, const std::vector<SweepCell>& cells,
                                        const SweepStatus& status,
                                        const std::vector<SlurmNode>& nodes,
                                        const SlurmOptions& options);

// Submits a plan in dependency order (cancelling a stale final job first) and appends the
// submission to jobs.json. A failure half-way cancels the jobs this call submitted.
Result<SlurmSubmission> submit_slurm_plan(const SweepSpec& spec, const SlurmPlan& plan,
                                          const SlurmExec& exec);

// The nodes of a partition (the default partition when `partition` is empty), through sinfo.
Result<std::vector<SlurmNode>> query_partition_nodes(const std::string& partition,
                                                     const SlurmExec& exec);

}  // namespace biomedq
