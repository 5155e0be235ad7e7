#include "report/report_table.h"

#include <fmt/format.h>

namespace biomedq {
namespace {

// Every per-run table starts with which run a row is about.
std::vector<ReportColumn> run_columns_and(std::initializer_list<ReportColumn> more) {
    std::vector<ReportColumn> columns = {{"model", true}, {"quant", true}, {"prompt", true}};
    columns.insert(columns.end(), more);
    return columns;
}

std::vector<std::string> run_cells(const StoredRun& run) {
    return {run.model_name, quant_display(run.quant_type, run.kv_type), run.prompt};
}

}  // namespace

ReportTable memory_speed_table(const ReportData& data) {
    ReportTable table{
        .columns = run_columns_and(
            {{"weights"}, {"KV"}, {"compute"}, {"peak"}, {"examples/s"}, {"generated tokens/s"}}),
        .rows = {}};
    for (const auto& run : data.runs) {
        auto& cells = table.rows.emplace_back(run_cells(run));
        for (const auto bytes :
             {run.bytes_weights, run.bytes_kv, run.bytes_compute, run.bytes_peak})
            cells.push_back(format_bytes(bytes));
        cells.push_back(fmt::format("{:.2f}", run.examples_per_s));
        cells.push_back(fmt::format("{:.1f}", run.generated_tokens_per_s));
    }
    return table;
}

ReportTable device_memory_table(const ReportData& data) {
    ReportTable table{
        .columns = run_columns_and(
            {{"device", true}, {"weights"}, {"KV"}, {"compute"}, {"peak"}, {"capacity"}}),
        .rows = {}};
    for (const auto& run : data.runs) {
        if (!split_over_devices(run)) continue;
        for (const auto& d : run.devices) {
            auto& cells = table.rows.emplace_back(run_cells(run));
            cells.push_back(d.device);
            for (const auto bytes : {d.bytes_weights, d.bytes_kv, d.bytes_compute})
                cells.push_back(format_bytes(bytes));
            // "-": no driver reading (host, RPC), or no known capacity.
            cells.push_back(d.bytes_peak_used ? format_bytes(d.bytes_peak_used) : "-");
            cells.push_back(d.bytes_total ? format_bytes(d.bytes_total) : "-");
        }
    }
    return table;
}

std::vector<ReportColumn> task_table_columns() {
    // The score and its difference read as text (a value, its interval and a mark), so Markdown
    // aligns them left.
    return run_columns_and({{"bpw"},
                            {"score [95% CI]", true},
                            {"Δ vs full precision [95% CI]", true},
                            {"p"},
                            {"n"},
                            {"invalid"}});
}

}  // namespace biomedq
