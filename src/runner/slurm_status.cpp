// Where the cells of a Slurm sweep stand: the run directories say what is finished; jobs.json says
// which job each cell was last submitted in; squeue says what is still queued; sacct (or scontrol
// on a cluster without accounting) says how the others ended.
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "biomedq/slurm.h"
#include "core/file_io.h"
#include "core/text.h"

namespace biomedq {
namespace {

std::size_t count_sample_lines(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::size_t n = 0;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) ++n;
    }
    return n;
}

bool is_running_state(const std::string& s) {
    return s == "RUNNING" || s == "COMPLETING" || s == "SUSPENDED" || s == "STAGE_OUT" ||
           s == "SIGNALING";
}

using TaskKey = std::pair<std::string, int>;  // (job id, array task or -1)

std::map<TaskKey, std::string> by_task(const std::vector<SlurmJobState>& states) {
    std::map<TaskKey, std::string> out;
    for (const auto& s : states) out[{s.job_id, s.array_task}] = s.state;
    return out;
}

}  // namespace

std::filesystem::path slurm_jobs_path(const SweepSpec& spec) {
    return spec.out_dir / "slurm" / "jobs.json";
}

Result<std::vector<SlurmSubmission>> load_slurm_submissions(const SweepSpec& spec) {
    const auto path = slurm_jobs_path(spec);
    std::vector<SlurmSubmission> out;
    if (!std::filesystem::exists(path)) return out;
    BIOMEDQ_ASSIGN(std::string text, read_file(path));
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    std::string at = "submissions";
    try {
        if (doc.is_discarded()) return make_error(ErrorCode::kParse, path.string() + ": not JSON");
        const auto& subs = doc.at("submissions");
        for (std::size_t i = 0; i < subs.size(); ++i) {
            at = "submissions[" + std::to_string(i) + "]";
            const auto& j = subs.at(i);
            SlurmSubmission s;
            s.submitted_at = j.at("submitted_at").get<std::string>();
            for (const auto& [job, cell] : j.at("prepare").items())
                s.prepare_jobs[job] = cell.get<std::size_t>();
            for (const auto& [job, cells] : j.at("arrays").items())
                s.arrays[job] = cells.get<std::vector<std::size_t>>();
            s.final_job = j.at("final").get<std::string>();
            out.push_back(std::move(s));
        }
    } catch (const nlohmann::json::exception&) {
        return make_error(ErrorCode::kParse,
                          path.string() + ": field \"" + at + "\" missing or of the wrong type");
    }
    return out;
}

const char* cell_state_name(CellState state) {
    switch (state) {
        case CellState::kDone:
            return "done";
        case CellState::kRunning:
            return "running";
        case CellState::kPending:
            return "pending";
        case CellState::kFailed:
            return "failed";
        case CellState::kNotSubmitted:
            return "not submitted";
    }
    return "?";
}

namespace {

// The final states of the array tasks that left the queue, from sacct where accounting is on, else
// from what slurmctld still remembers (scontrol); `accounting` names the source used ("" for none).
std::map<TaskKey, std::string> ended_tasks(const std::set<std::string>& array_jobs,
                                           const SlurmExec& exec, std::string& accounting) {
    std::map<TaskKey, std::string> ended;
    const std::string ids = text::join(array_jobs, ",");
    auto acct = exec({"sacct", "-n", "-P", "-X", "-o", "JobID,State", "-j", ids});
    if (acct.ok() && acct->exit_code == 0) {
        auto parsed = parse_sacct(acct->out);
        if (parsed.ok()) {
            accounting = "sacct";
            return by_task(*parsed);
        }
    }
    for (const auto& job : array_jobs) {
        auto shown = exec({"scontrol", "-o", "show", "job", job});
        if (!shown.ok() || shown->exit_code != 0) continue;  // forgotten after MinJobAge
        auto parsed = parse_scontrol_jobs(shown->out);
        if (!parsed.ok()) continue;
        for (const auto& s : *parsed) ended[{s.job_id, s.array_task}] = s.state;
        accounting = "scontrol";
    }
    return ended;
}

}  // namespace

Result<SweepStatus> slurm_sweep_status(const SweepSpec& spec, const std::vector<SweepCell>& cells,
                                       const SlurmExec& exec) {
    BIOMEDQ_ASSIGN(auto submissions, load_slurm_submissions(spec));
    SweepStatus status;
    std::map<std::size_t, std::string> latest_array;  // cell -> array job of its latest submission
    std::map<std::size_t, std::string> latest_prepare;
    std::set<std::string> array_jobs;
    for (const auto& sub : submissions) {
        for (const auto& [job, ids] : sub.arrays) {
            array_jobs.insert(job);
            for (auto id : ids) latest_array[id] = job;
        }
        for (const auto& [job, id] : sub.prepare_jobs) latest_prepare[id] = job;
    }
    std::map<TaskKey, std::string> queued;
    if (!submissions.empty()) {
        // Own jobs only (--me), every array task on its own line (-r): "<array
        // job>|<task>|<state>".
        BIOMEDQ_ASSIGN(ExecOutput q, exec({"squeue", "--me", "-h", "-r", "-o", "%F|%K|%T"}));
        if (q.exit_code != 0) {
            return make_error(ErrorCode::kBackend,
                              "squeue failed (exit " + std::to_string(q.exit_code) + "): " + q.err);
        }
        BIOMEDQ_ASSIGN(auto states, parse_squeue(q.out));
        queued = by_task(states);
    }
    for (const auto& [cell, job] : latest_prepare) {
        if (queued.count({job, -1})) status.queued_prepare[cell] = job;
    }
    if (!submissions.empty() && queued.count({submissions.back().final_job, -1})) {
        status.queued_final = submissions.back().final_job;
    }

    // How ended tasks ended: sacct where accounting is on, else what slurmctld still remembers.
    bool need_history = false;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (latest_array.count(i) && !queued.count({latest_array[i], static_cast<int>(i)}))
            need_history = true;
    }
    const std::map<TaskKey, std::string> ended =
        need_history ? ended_tasks(array_jobs, exec, status.accounting)
                     : std::map<TaskKey, std::string>{};

    for (std::size_t i = 0; i < cells.size(); ++i) {
        CellStatus c;
        c.index = i;
        c.name = cells[i].name();
        c.n_samples = count_sample_lines(cells[i].run_dir / "samples.jsonl");
        const bool submitted = latest_array.count(i) > 0;
        const TaskKey key =
            submitted ? TaskKey{latest_array[i], static_cast<int>(i)} : TaskKey{"", -1};
        if (submitted) c.job = latest_array[i] + "_" + std::to_string(i);
        if (cell_finished(spec, cells[i])) {
            c.state = CellState::kDone;
        } else if (submitted && queued.count(key)) {
            c.state = is_running_state(queued[key]) ? CellState::kRunning : CellState::kPending;
            if (queued[key] != "RUNNING" && queued[key] != "PENDING") c.detail = queued[key];
        } else if (submitted) {
            c.state = CellState::kFailed;
            c.detail = ended.count(key) ? ended.at(key) : "no longer queued";
        }
        status.cells.push_back(std::move(c));
    }
    return status;
}

}  // namespace biomedq
