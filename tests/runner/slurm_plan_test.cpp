// Planning a Slurm sweep without a cluster: which cells and models get jobs, what they ask for,
// what is refused, and where cells stand, against a scripted squeue / sacct / scontrol.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "biomedq/slurm.h"
#include "support/paths.h"
#include "support/tiny_model.h"

namespace biomedq {
namespace {

SweepSpec tiny_spec(const std::filesystem::path& dir, const std::string& extra = "") {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "grid.yaml")
        << "models:\n  - {name: tiny, path: " << test::tiny_model_path().string()
        << "}\nquant_types: [q8_0, q4_k_m]\ntasks: [pubmedqa]\n"
           "prompts: [zero-shot, 'few-shot:1']\nlimit: 2\nctx: 1024\nparallel: 1\n"
           "fidelity: false\nout: out\n"
        << extra;
    auto spec = load_sweep_file(dir / "grid.yaml");
    EXPECT_TRUE(spec.ok()) << spec.error().message;
    return spec.ok() ? *spec : SweepSpec{};
}

SlurmOptions options_for(const SweepSpec& spec) {
    SlurmOptions o;
    o.partition = "debug";
    o.max_concurrent = 2;
    o.binary = "/opt/biomedq/bin/biomedq";
    o.sweep_file = spec.file;
    o.workdir = "/work/x";
    o.sbatch_lines = {"qos=high", "--exclusive"};
    return o;
}

SweepStatus all_unsubmitted(const std::vector<SweepCell>& cells) {
    SweepStatus s;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        CellStatus c;
        c.index = i;
        c.name = cells[i].name();
        s.cells.push_back(c);
    }
    return s;
}

const std::vector<SlurmNode> kNode = {{"vm", 2, 24105ull << 20, 0, "idle"}};

TEST(SlurmPlan, FreshSweepOnePrepareJobPerTypeOneArrayAFinalJob) {
    const auto spec = tiny_spec(test::make_temp_dir("slurm_plan_fresh"));
    auto cells = plan_sweep(spec);
    ASSERT_TRUE(cells.ok()) << cells.error().message;
    ASSERT_EQ(cells->size(), 6u);  // F16, Q8_0, Q4_K_M x 2 prompts
    auto plan =
        plan_slurm_submission(spec, *cells, all_unsubmitted(*cells), kNode, options_for(spec));
    ASSERT_TRUE(plan.ok()) << plan.error().message;

    ASSERT_EQ(plan->prepare.size(), 2u);  // the two quantized types; the F16 source needs nothing
    EXPECT_EQ(plan->prepare[0].name, "prepare-2");  // named by the type's first cell
    EXPECT_EQ(plan->prepare[1].name, "prepare-4");
    EXPECT_NE(plan->prepare[0].script.find("--prepare-cell 2 --quiet"), std::string::npos)
        << plan->prepare[0].script;

    ASSERT_EQ(plan->arrays.size(), 1u);
    const auto& array = plan->arrays[0];
    EXPECT_EQ(array.cells, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
    EXPECT_EQ(array.depends_on_names, (std::vector<std::string>{"prepare-2", "prepare-4"}));
    // The array asks for its largest cell, each from its memory plus the margin. The F16 file
    // exists (llama.cpp's simulation sizes it), the quantized ones not yet (the formula from the
    // source): on the tiny model the formula's compute buffer can exceed the simulated one, so the
    // largest is whichever cell it is.
    auto f16 = cell_job_request(spec, (*cells)[0], options_for(spec));
    auto q4 = cell_job_request(spec, (*cells)[4], options_for(spec));
    ASSERT_TRUE(f16.ok() && q4.ok());
    auto memory = estimate_cell_memory(spec, (*cells)[0]);
    ASSERT_TRUE(memory.ok());
    EXPECT_EQ(memory->source, "simulation");
    const std::uint64_t mib = 1ull << 20;
    EXPECT_EQ(f16->bytes_memory,
              (memory->estimate.bytes_total() + kBytesProcessMargin + mib - 1) / mib * mib);
    std::uint64_t largest = 0;
    for (const auto& cell : *cells) {
        auto r = cell_job_request(spec, cell, options_for(spec));
        ASSERT_TRUE(r.ok());
        largest = std::max(largest, r->bytes_memory);
    }
    EXPECT_EQ(array.request.bytes_memory, largest);
    const std::string s = array.script;
    EXPECT_EQ(s.rfind("#!/bin/bash\n", 0), 0u);
    EXPECT_NE(s.find("#SBATCH --array=0-5%2\n"), std::string::npos) << s;
    EXPECT_NE(s.find("#SBATCH --partition=debug\n"), std::string::npos);
    EXPECT_NE(s.find("#SBATCH --mem=" + std::to_string(largest / mib) + "M\n"), std::string::npos)
        << s;
    EXPECT_EQ(s.find("--gres"), std::string::npos);  // CPU cells ask for no GPU
    EXPECT_NE(s.find("#SBATCH --chdir=/work/x\n"), std::string::npos);
    EXPECT_NE(s.find("#SBATCH --qos=high\n#SBATCH --exclusive\n"), std::string::npos) << s;
    EXPECT_NE(s.find("exec '/opt/biomedq/bin/biomedq' sweep '" + spec.file.string() +
                     "' --cell \"$SLURM_ARRAY_TASK_ID\" --quiet\n"),
              std::string::npos)
        << s;
    EXPECT_EQ(sbatch_command(array, "cells.sh", {{"prepare-2", "11"}, {"prepare-4", "12"}}),
              (std::vector<std::string>{"sbatch", "--parsable", "--dependency=afterok:11:12",
                                        "--kill-on-invalid-dep=yes", "cells.sh"}));

    ASSERT_TRUE(plan->final_job.has_value());
    EXPECT_EQ(plan->final_job->dependency_kind, "afterany");
    EXPECT_EQ(plan->final_job->depends_on_names,
              (std::vector<std::string>{"prepare-2", "prepare-4", "cells"}));
    EXPECT_NE(plan->final_job->script.find("--finish --quiet"), std::string::npos);
}

TEST(SlurmPlan, ResubmitSkipsFinishedAndQueuedCellsAndReusesQueuedPrepareJobs) {
    const auto spec = tiny_spec(test::make_temp_dir("slurm_plan_resubmit"));
    auto cells = plan_sweep(spec);
    ASSERT_TRUE(cells.ok()) << cells.error().message;
    SweepStatus status = all_unsubmitted(*cells);
    status.cells[0].state = CellState::kDone;
    status.cells[1].state = CellState::kDone;
    status.cells[2].state = CellState::kRunning;
    status.cells[2].job = "30_2";
    status.cells[3].state = CellState::kFailed;  // cancelled: resubmitted
    status.cells[3].job = "30_3";
    status.cells[5].state = CellState::kPending;
    status.cells[5].job = "30_5";
    status.queued_prepare[4] = "29";
    status.queued_final = "31";
    auto plan = plan_slurm_submission(spec, *cells, status, kNode, options_for(spec));
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_EQ(plan->skipped_done, (std::vector<std::size_t>{0, 1}));
    EXPECT_EQ(plan->skipped_queued, (std::vector<std::size_t>{2, 5}));
    ASSERT_EQ(plan->arrays.size(), 1u);
    EXPECT_EQ(plan->arrays[0].cells, (std::vector<std::size_t>{3, 4}));
    EXPECT_NE(plan->arrays[0].script.find("#SBATCH --array=3-4%2\n"), std::string::npos);
    // Q8_0 (cell 3) is not quantized yet and has no job queued; Q4_K_M's job 29 is still queued.
    ASSERT_EQ(plan->prepare.size(), 1u);
    EXPECT_EQ(plan->prepare[0].name, "prepare-2");
    EXPECT_EQ(plan->arrays[0].depends_on_names, (std::vector<std::string>{"prepare-2"}));
    EXPECT_EQ(plan->arrays[0].depends_on_jobs, (std::vector<std::string>{"29"}));
    EXPECT_EQ(plan->final_job->depends_on_jobs,
              (std::vector<std::string>{"30"}));  // the queued cells' array
    EXPECT_EQ(plan->stale_final_job, "31");
}

TEST(SlurmPlan, CellThatFitsNoNodeIsRefusedNamingItAndTheNodes) {
    // 1M tokens x 32 sequences of KV cache: 32 GiB on the tiny model, more than the 24105 MB node.
    const auto spec = tiny_spec(test::make_temp_dir("slurm_plan_misfit"), "");
    SweepSpec huge = spec;
    huge.ctx_per_sequence = 1 << 20;
    huge.parallel = "32";
    auto cells = plan_sweep(huge);
    ASSERT_TRUE(cells.ok()) << cells.error().message;
    auto plan =
        plan_slurm_submission(huge, *cells, all_unsubmitted(*cells), kNode, options_for(huge));
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.error().code, ErrorCode::kResource);
    const auto& m = plan.error().message;
    EXPECT_EQ(m.rfind("6 job(s) cannot run on partition debug; nothing was submitted:\n  "
                      "tiny-F16-zero-shot: needs ",
                      0),
              0u)
        << m;
    EXPECT_NE(m.find("the largest node of the partition has 23.54 GiB memory, 0 GPU(s), 2 CPUs"),
              std::string::npos)
        << m;
    // The same sweep at its own context fits.
    EXPECT_TRUE(plan_slurm_submission(spec, *plan_sweep(spec), all_unsubmitted(*cells), kNode,
                                      options_for(spec))
                    .ok());

    // GPUs: a CPU-only partition cannot take a cell that asks for one.
    SlurmOptions gpu = options_for(spec);
    gpu.gpus_per_cell = "1";
    auto no_gpu =
        plan_slurm_submission(spec, *plan_sweep(spec), all_unsubmitted(*cells), kNode, gpu);
    ASSERT_FALSE(no_gpu.ok());
    EXPECT_NE(no_gpu.error().message.find("1 GPU(s)"), std::string::npos) << no_gpu.error().message;
    gpu.gpus_per_cell = "auto";
    auto no_size = cell_job_request(spec, (*plan_sweep(spec))[0], gpu);
    ASSERT_FALSE(no_size.ok());
    EXPECT_EQ(no_size.error().message,
              "--gpus-per-cell auto needs --gpu-memory (memory of one GPU)");
}

TEST(SlurmStatus, StatesFromRunDirectoriesSqueueAndScontrol) {
    const auto spec = tiny_spec(test::make_temp_dir("slurm_status"));
    auto cells = plan_sweep(spec);
    ASSERT_TRUE(cells.ok()) << cells.error().message;
    std::filesystem::create_directories(spec.out_dir / "slurm");
    std::ofstream(slurm_jobs_path(spec))
        << R"({"submissions": [{"submitted_at": "2026-11-29T00:00:00Z", "prepare": {"7": 2},)"
        << R"( "arrays": {"8": [0, 1, 2, 3, 4, 5]}, "final": "9"}]})";
    // Cell 1 has written 3 samples and was cancelled; cells 0 and 2 run; 3-5 wait; 4 was never
    // seen.
    std::filesystem::create_directories((*cells)[1].run_dir);
    std::ofstream((*cells)[1].run_dir / "samples.jsonl") << "{}\n{}\n{}\n";
    std::vector<std::vector<std::string>> calls;
    SlurmExec exec = [&](const std::vector<std::string>& argv) -> Result<ExecOutput> {
        calls.push_back(argv);
        if (argv[0] == "squeue")
            return ExecOutput{0, "8|0|RUNNING\n8|2|RUNNING\n8|[3,5]|PENDING\n9|N/A|PENDING\n", ""};
        if (argv[0] == "sacct") return ExecOutput{1, "", "Slurm accounting storage is disabled\n"};
        if (argv[0] == "scontrol")
            return ExecOutput{0, "JobId=10 ArrayJobId=8 ArrayTaskId=1 JobState=CANCELLED\n", ""};
        return ExecOutput{127, "", "unexpected"};
    };
    auto status = slurm_sweep_status(spec, *cells, exec);
    ASSERT_TRUE(status.ok()) << status.error().message;
    ASSERT_EQ(status->cells.size(), 6u);
    EXPECT_EQ(status->cells[0].state, CellState::kRunning);
    EXPECT_EQ(status->cells[0].job, "8_0");
    EXPECT_EQ(status->cells[1].state, CellState::kFailed);
    EXPECT_EQ(status->cells[1].detail, "CANCELLED");
    EXPECT_EQ(status->cells[1].n_samples, 3u);
    EXPECT_EQ(status->cells[3].state, CellState::kPending);
    EXPECT_EQ(status->cells[4].state, CellState::kFailed);
    EXPECT_EQ(status->cells[4].detail, "no longer queued");
    EXPECT_EQ(status->cells[5].state, CellState::kPending);
    EXPECT_EQ(status->queued_final, "9");
    EXPECT_TRUE(status->queued_prepare.empty());  // job 7 ended
    EXPECT_EQ(status->accounting, "scontrol");
    ASSERT_EQ(calls.size(), 3u);
    EXPECT_EQ(calls[1], (std::vector<std::string>{"sacct", "-n", "-P", "-X", "-o", "JobID,State",
                                                  "-j", "8"}));
}

}  // namespace
}  // namespace biomedq
