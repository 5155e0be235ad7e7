// Reading what the Slurm client commands print: sinfo (nodes), sbatch --parsable (job id), squeue,
// sacct and scontrol (job states). Formats are the ones biomedq asks for (slurm_status.cpp,
// slurm_submit.cpp), so every line has a known shape and anything else is an error that quotes it.
#include <optional>
#include <sstream>
#include <variant>

#include "biomedq/slurm.h"
#include "core/whole_number.h"

namespace biomedq {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line);
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

struct NumberedLine {
    std::size_t number;  // among the non-blank lines, from 1 (what line_error quotes)
    std::string text;
};

std::vector<NumberedLine> numbered_lines(const std::string& text) {
    std::vector<NumberedLine> out;
    for (auto& line : lines_of(text)) out.push_back({out.size() + 1, std::move(line)});
    return out;
}

template <typename T>
bool parse_number(const std::string& s, T& out) {
    const auto n = whole_number<T>(s);
    if (n) out = *n;
    return n.has_value();
}

Error line_error(const char* command, std::size_t line_no, const std::string& line,
                 const std::string& what) {
    return make_error(ErrorCode::kParse, std::string(command) + " output line " +
                                             std::to_string(line_no) + ": " + what + ": \"" + line +
                                             "\"");
}

// "gpu:h100:8", "gpu:8(S:0-1)", "gpu:a100:4,mps:400", "(null)" -> GPUs.
int gpus_of_gres(const std::string& gres) {
    int total = 0;
    for (auto item : split(gres, ',')) {
        if (const auto paren = item.find('('); paren != std::string::npos)
            item = item.substr(0, paren);
        const auto parts = split(item, ':');
        if (parts.size() < 2 || parts[0] != "gpu") continue;
        int n = 0;
        if (parse_number(parts.back(), n)) total += n;
    }
    return total;
}

// Task ids of an array expression: "5", "5-7", "5-7,9", "[5-7%2]". Empty on anything else.
std::vector<int> array_task_ids(std::string expr) {
    std::vector<int> out;
    if (!expr.empty() && expr.front() == '[') expr = expr.substr(1);
    if (!expr.empty() && expr.back() == ']') expr.pop_back();
    if (const auto pct = expr.find('%'); pct != std::string::npos) expr = expr.substr(0, pct);
    for (const auto& part : split(expr, ',')) {
        const auto dash = part.find('-');
        int lo = 0, hi = 0;
        if (dash == std::string::npos) {
            if (!parse_number(part, lo)) return {};
            hi = lo;
        } else if (!parse_number(part.substr(0, dash), lo) ||
                   !parse_number(part.substr(dash + 1), hi) || hi < lo) {
            return {};
        }
        for (int i = lo; i <= hi; ++i) out.push_back(i);
    }
    return out;
}

// Adds `s` to `out` once for a plain job (no `task_spec`), else once per array task that
// `task_spec` names; false, adding nothing, when it names none.
bool add_per_task(SlurmJobState s, const std::optional<std::string>& task_spec,
                  std::vector<SlurmJobState>& out) {
    if (!task_spec) {
        out.push_back(std::move(s));
        return true;
    }
    const auto ids = array_task_ids(*task_spec);
    for (int id : ids) {
        s.array_task = id;
        out.push_back(s);
    }
    return !ids.empty();
}

// One line of squeue, sacct or scontrol: a job's state and, for an array job, the tasks it names.
struct JobLine {
    SlurmJobState state;
    std::optional<std::string> tasks;
};
// A line read, or what is wrong with it.
using JobLineRead = std::variant<JobLine, const char*>;

// The job states `command` printed, one line at a time through `read_line`, each array job's line
// expanded to a state per task (`bad_tasks` when it names none). Errors quote the line's first
// `quote_chars` characters.
template <typename ReadLine>
Result<std::vector<SlurmJobState>> job_states(const std::string& text, const char* command,
                                              const char* bad_tasks, ReadLine read_line,
                                              std::size_t quote_chars = std::string::npos) {
    std::vector<SlurmJobState> out;
    for (const auto& [line_no, line] : numbered_lines(text)) {
        JobLineRead read = read_line(line);
        const std::string quoted = line.substr(0, quote_chars);
        if (const auto* what = std::get_if<const char*>(&read))
            return line_error(command, line_no, quoted, *what);
        auto& job = std::get<JobLine>(read);
        if (!add_per_task(std::move(job.state), job.tasks, out))
            return line_error(command, line_no, quoted, bad_tasks);
    }
    return out;
}

}  // namespace

Result<std::vector<SlurmNode>> parse_sinfo_nodes(const std::string& text,
                                                 const std::string& partition) {
    std::vector<SlurmNode> nodes;
    std::vector<std::string> partitions;
    for (const auto& [line_no, line] : numbered_lines(text)) {
        const auto f = split(line, '|');
        if (f.size() != 6)
            return line_error("sinfo", line_no, line,
                              "expected 6 fields NODE|CPUS|MEMORY|GRES|STATE|PARTITION");
        std::string part = f[5];
        const bool is_default = !part.empty() && part.back() == '*';
        if (is_default) part.pop_back();
        partitions.push_back(part);
        if (partition.empty() ? !is_default : part != partition) continue;
        SlurmNode node;
        node.name = f[0];
        std::string memory = f[2];
        if (!memory.empty() && memory.back() == '+') memory.pop_back();
        std::uint64_t mib = 0;
        if (!parse_number(f[1], node.cpus))
            return line_error("sinfo", line_no, line, "field CPUS is not a number");
        if (!parse_number(memory, mib))
            return line_error("sinfo", line_no, line, "field MEMORY is not a number of MB");
        node.bytes_memory = mib << 20;  // Slurm's MB are MiB
        node.gpus = gpus_of_gres(f[3]);
        node.state = f[4];
        nodes.push_back(std::move(node));
    }
    if (nodes.empty()) {
        std::string known;
        for (const auto& p : partitions) {
            if (known.find(p) == std::string::npos) known += (known.empty() ? "" : ", ") + p;
        }
        return make_error(
            ErrorCode::kNotFound,
            (partition.empty() ? std::string("no default partition")
                               : "partition \"" + partition + "\" has no nodes") +
                (known.empty() ? "; sinfo lists no partitions (is Slurm up? scripts/start-slurm.sh)"
                               : "; partitions: " + known));
    }
    return nodes;
}

Result<std::string> parse_sbatch_job_id(const std::string& text) {
    const auto lines = lines_of(text);
    std::string id = lines.empty() ? "" : lines.back();
    if (const auto semi = id.find(';'); semi != std::string::npos) id = id.substr(0, semi);
    std::uint64_t n = 0;
    if (!parse_number(id, n)) {
        return make_error(ErrorCode::kParse,
                          "sbatch --parsable printed \"" + trim(text) + "\", not a job id");
    }
    return id;
}

Result<std::vector<SlurmJobState>> parse_squeue(const std::string& text) {
    return job_states(text, "squeue", "field ARRAY_TASK_ID is not a task id",
                      [](const std::string& line) -> JobLineRead {
                          const auto f = split(line, '|');
                          if (f.size() != 3)
                              return "expected 3 fields ARRAY_JOB_ID|ARRAY_TASK_ID|STATE";
                          return JobLine{
                              .state = {.job_id = f[0], .state = f[2]},
                              .tasks = f[1] == "N/A" ? std::nullopt : std::optional(f[1])};
                      });
}

Result<std::vector<SlurmJobState>> parse_sacct(const std::string& text) {
    return job_states(text, "sacct", "field JOBID has no array task id",
                      [](const std::string& line) -> JobLineRead {
                          const auto f = split(line, '|');
                          if (f.size() < 2) return "expected JOBID|STATE";
                          const auto us = f[0].find('_');
                          // The job id is all of JOBID for a plain job.
                          return JobLine{.state = {.job_id = f[0].substr(0, us), .state = f[1]},
                                         .tasks = us == std::string::npos
                                                      ? std::nullopt
                                                      : std::optional(f[0].substr(us + 1))};
                      });
}

Result<std::vector<SlurmJobState>> parse_scontrol_jobs(const std::string& text) {
    return job_states(
        text, "scontrol show job", "bad ArrayTaskId",
        [](const std::string& line) -> JobLineRead {
            std::map<std::string, std::string> kv;
            std::istringstream words(line);
            std::string word;
            while (words >> word) {
                const auto eq = word.find('=');
                if (eq != std::string::npos) kv.emplace(word.substr(0, eq), word.substr(eq + 1));
            }
            if (!kv.count("JobId") || !kv.count("JobState")) return "no JobId or JobState";
            const bool array = kv.count("ArrayJobId") > 0;
            return JobLine{.state = {.job_id = array ? kv["ArrayJobId"] : kv["JobId"],
                                     .state = kv["JobState"]},
                           .tasks = array ? std::optional(kv["ArrayTaskId"]) : std::nullopt};
        },
        80);  // scontrol's lines are long: the start names the job
}

std::string array_spec(const std::vector<std::size_t>& ids, int max_concurrent) {
    std::string out;
    for (std::size_t i = 0; i < ids.size();) {
        std::size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
        if (!out.empty()) out += ",";
        out += std::to_string(ids[i]);
        if (j > i) out += "-" + std::to_string(ids[j]);
        i = j + 1;
    }
    if (max_concurrent > 0) out += "%" + std::to_string(max_concurrent);
    return out;
}

}  // namespace biomedq
