// `sweep --dry-run`: the examples each cell evaluates and how long it should take, from runs
// already made.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "biomedq/sweep.h"
#include "biomedq/task.h"
#include "core/file_io.h"
#include "runner/eval_plan.h"

namespace biomedq {
namespace {

struct MeasuredCell {
    double seconds_per_example = 0;
    std::uint64_t bytes_weights = 0;
};

// Seconds per example of a cell's run so far (its last session's evaluation loop, load excluded).
std::optional<MeasuredCell> measured(const SweepCell& cell) {
    auto run = read_run_record(cell.run_dir);
    if (!run.ok() || !run->speed) return std::nullopt;
    const double n = static_cast<double>(run->speed->n_examples);
    const double t_ms = run->speed->t_generate_ms;
    if (!(n > 0) || !(t_ms > 0)) return std::nullopt;
    MeasuredCell m;
    m.seconds_per_example = t_ms / 1000.0 / n;
    m.bytes_weights = run->memory ? run->memory->bytes_weights : 0;
    if (m.bytes_weights == 0) m.bytes_weights = run->model.bytes_file;
    return m;
}

std::uint64_t cell_weight_bytes(const SweepSpec& spec, const SweepCell& cell) {
    auto memory = estimate_cell_memory(spec, cell);
    if (!memory.ok()) return 0;
    return memory->estimate.bytes_weights_gpu + memory->estimate.bytes_weights_host;
}

}  // namespace

Result<std::vector<SweepTaskExamples>> sweep_task_examples(const SweepSpec& spec) {
    BIOMEDQ_ASSIGN(const TaskCatalog catalog, load_tasks(spec.tasks_dir));
    const std::filesystem::path data_dir =
        spec.data_dir.empty() ? default_data_dir() : std::filesystem::path(spec.data_dir);
    std::vector<SweepTaskExamples> out;
    for (const auto& name : spec.tasks) {
        SweepTaskExamples entry;
        entry.task = name;
        for (const auto& task : catalog.tasks) {
            if (task.name != name) continue;
            const std::string split = runner::split_of_subset(task, spec.subset);
            auto data = load_task_split(task, split, data_dir);
            if (!data.ok()) {
                if (data.error().code != ErrorCode::kNotFound) return data.error();
                auto source = task_data_source(task, split, data_dir);
                entry.missing = source.ok() ? source->path : data.error().message;
                break;
            }
            std::size_t n = data->examples.size();
            if (spec.limit > 0) n = std::min(n, static_cast<std::size_t>(spec.limit));
            entry.n_examples = static_cast<int>(n);
        }
        out.push_back(std::move(entry));
    }
    return out;
}

CellTimeEstimate estimate_cell_time(const SweepSpec& spec, const std::vector<SweepCell>& cells,
                                    std::size_t index, int n_examples) {
    CellTimeEstimate out;
    if (index >= cells.size() || n_examples <= 0) return out;
    const SweepCell& cell = cells[index];
    if (auto own = measured(cell)) {
        out.seconds = own->seconds_per_example * n_examples;
        out.basis = "this cell's run";
        return out;
    }
    std::vector<std::pair<std::size_t, MeasuredCell>> runs;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i == index) continue;
        if (auto m = measured(cells[i]); m && m->bytes_weights > 0) runs.emplace_back(i, *m);
    }
    if (runs.empty()) return out;
    const std::uint64_t bytes = cell_weight_bytes(spec, cell);
    if (bytes == 0) return out;
    // The best reference: the same prompt method (few-shot prompts are several times longer), then
    // the nearest weight size (the scaling below is least trusted far from 1).
    std::optional<MeasuredCell> best;
    std::size_t best_index = 0;
    double best_rank = std::numeric_limits<double>::infinity();
    for (const auto& [i, m] : runs) {
        const double distance =
            std::fabs(std::log(static_cast<double>(m.bytes_weights) / static_cast<double>(bytes)));
        const double rank = (cells[i].prompt == cell.prompt ? 0.0 : 100.0) + distance;
        if (rank < best_rank) {
            best_rank = rank;
            best = m;
            best_index = i;
        }
    }
    if (!best) return out;
    out.seconds = best->seconds_per_example * n_examples * static_cast<double>(bytes) /
                  static_cast<double>(best->bytes_weights);
    out.basis = "scaled from " + cells[best_index].name();
    return out;
}

}  // namespace biomedq
