// Submitting a planned Slurm sweep: scripts written under <out>/slurm/scripts/<n>/, sbatch in
// dependency order, the submission appended to <out>/slurm/jobs.json.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "biomedq/slurm.h"
#include "core/file_io.h"
#include "core/text.h"
#include "core/utc_time.h"

namespace biomedq {
namespace {

nlohmann::json submission_to_json(const SlurmSubmission& s) {
    nlohmann::json prepare = nlohmann::json::object(), arrays = nlohmann::json::object();
    for (const auto& [job, cell] : s.prepare_jobs) prepare[job] = cell;
    for (const auto& [job, cells] : s.arrays) arrays[job] = cells;
    return {{"submitted_at", s.submitted_at},
            {"prepare", prepare},
            {"arrays", arrays},
            {"final", s.final_job}};
}

Status make_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(ErrorCode::kIo, dir.string() + ": cannot create: " + ec.message());
    return Status::success();
}

}  // namespace

Result<std::vector<SlurmNode>> query_partition_nodes(const std::string& partition,
                                                     const SlurmExec& exec) {
    // Every partition's nodes, so an unknown partition can be answered with the known ones.
    BIOMEDQ_ASSIGN(ExecOutput out, exec({"sinfo", "-h", "-N", "-o", "%N|%c|%m|%G|%T|%P"}));
    if (out.exit_code != 0) {
        return make_error(ErrorCode::kBackend,
                          "sinfo failed (exit " + std::to_string(out.exit_code) + "): " + out.err +
                              (out.exit_code == 127 ? " (is slurm-client installed?)" : ""));
    }
    return parse_sinfo_nodes(out.out, partition);
}

Result<SlurmSubmission> submit_slurm_plan(const SweepSpec& spec, const SlurmPlan& plan,
                                          const SlurmExec& exec) {
    BIOMEDQ_ASSIGN(auto earlier, load_slurm_submissions(spec));
    const auto scripts_dir =
        spec.out_dir / "slurm" / "scripts" / std::to_string(earlier.size() + 1);
    BIOMEDQ_TRY(make_dir(scripts_dir));
    BIOMEDQ_TRY(make_dir(spec.out_dir / "slurm" / "logs"));

    SlurmSubmission sub;
    sub.submitted_at = utc_timestamp_now();
    std::map<std::string, std::string> ids;  // job name -> id
    std::vector<std::string> submitted;
    auto cancel_submitted = [&]() {
        for (const auto& id : submitted) (void)exec({"scancel", id});
    };
    auto submit = [&](const SlurmJobScript& job) -> Result<std::string> {
        const auto path = scripts_dir / (job.name + ".sh");
        BIOMEDQ_TRY(write_file_atomic(path, job.script));
        const auto argv = sbatch_command(job, path, ids);
        BIOMEDQ_ASSIGN(ExecOutput out, exec(argv));
        if (out.exit_code != 0) {
            return make_error(
                ErrorCode::kBackend,
                text::join(argv, " ") + ": exit " + std::to_string(out.exit_code) + ": " + out.err);
        }
        BIOMEDQ_ASSIGN(std::string id, parse_sbatch_job_id(out.out));
        ids[job.name] = id;
        submitted.push_back(id);
        return id;
    };
    if (!plan.stale_final_job.empty()) (void)exec({"scancel", plan.stale_final_job});
    for (const auto& job : plan.prepare) {
        auto id = submit(job);
        if (!id.ok()) {
            cancel_submitted();
            return id.error();
        }
        sub.prepare_jobs[*id] = job.cells.front();
    }
    for (const auto& job : plan.arrays) {
        auto id = submit(job);
        if (!id.ok()) {
            cancel_submitted();
            return id.error();
        }
        sub.arrays[*id] = job.cells;
    }
    if (plan.final_job) {
        auto id = submit(*plan.final_job);
        if (!id.ok()) {
            cancel_submitted();
            return id.error();
        }
        sub.final_job = *id;
    }

    nlohmann::json all = nlohmann::json::array();
    for (const auto& s : earlier) all.push_back(submission_to_json(s));
    all.push_back(submission_to_json(sub));
    auto written = write_file_atomic(slurm_jobs_path(spec),
                                     nlohmann::json{{"submissions", all}}.dump(2) + "\n");
    if (!written.ok()) {
        // Jobs nobody knows about would run twice on the next submit: take them back.
        cancel_submitted();
        return written.error();
    }
    return sub;
}

}  // namespace biomedq
