// report.md and results.csv: the same rows as the HTML report, as text.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "biomedq/report.h"
#include "report/report_pieces.h"
#include "report/report_table.h"

namespace biomedq {
namespace {

// Every text cell of report.md goes through here: model names, prompts and paths are untrusted.
std::string md_cell(const std::string& s) { return markdown_escape(s); }

// The mark on scores measured on a split with a caveat (ChemProt's reconstructed test set).
constexpr const char* kNoteMark = " †";

}  // namespace

// Shared with report_html.cpp: the distinct test-set notes of a task's rows, in row order.
std::vector<std::string> task_test_set_notes(const ReportData& data, const std::string& task) {
    std::vector<std::string> notes;
    for (const auto& r : data.rows) {
        if (r.task != task || r.test_set_note.empty()) continue;
        if (std::find(notes.begin(), notes.end(), r.test_set_note) == notes.end())
            notes.push_back(r.test_set_note);
    }
    return notes;
}

// Shared with report_html.cpp.
std::string difference_text(const ReportRow& r) {
    if (r.is_reference) return "reference";
    if (!r.has_reference) return "no full-precision run";
    const std::string label = significance_label(r.difference, r.significant);
    return fmt::format("{:+.3f} [{:+.3f}, {:+.3f}]{}", r.difference, r.difference_ci_low,
                       r.difference_ci_high, label.empty() ? "" : " " + label);
}

// Shared with report_html.cpp: what a test-set note says under a task's heading.
std::string test_set_note_text(const std::string& task, const std::string& note) {
    return fmt::format("† {} test set: {}.", task, note);
}

// Shared with report_html.cpp: what the protocol means for the numbers.
std::string protocol_description(const std::string& protocol) {
    if (protocol == "chen2025") {
        return "the published prompts, reply formats and metrics of Chen et al. 2025; scores are "
               "comparable with "
               "that paper's tables, not with biomedq-protocol runs";
    }
    return "biomedq's own prompts and metrics; see README \"Comparing with published numbers\" "
           "before putting a "
           "score next to a paper's";
}

// Shared with report_html.cpp: "Metric: <name> (<published name>): <definition>." for the task's
// primary metric as stored with its runs.
std::string metric_line(const ReportData& data, const std::string& task) {
    std::string metric;
    for (const auto& r : data.rows) {
        if (r.task == task) metric = r.metric;
    }
    if (metric.empty()) return "";
    std::string published, definition;
    if (auto t = data.published_metric_names.find(task); t != data.published_metric_names.end()) {
        if (auto m = t->second.find(metric); m != t->second.end())
            published = " (" + m->second + ")";
    }
    if (auto t = data.metric_definitions.find(task); t != data.metric_definitions.end()) {
        if (auto m = t->second.find(metric); m != t->second.end()) definition = ": " + m->second;
    }
    if (definition.empty()) definition = ": " + metric_definition(metric);
    return "Metric: " + metric + published + definition + ".";
}

// Shared with report_html.cpp: one line of the summary table per run (the paper's "score vs memory
// per model and type"): its memory and fidelity once, then its primary score on each task.
std::vector<SummaryLine> summary_lines(const ReportData& data) {
    std::vector<SummaryLine> lines;
    for (const auto& run : data.runs) {
        SummaryLine line{run.model_name,
                         quant_display(run.quant_type, run.kv_type),
                         run.prompt,
                         run.bits_per_weight,
                         format_bytes(run.bytes_peak),
                         "-",
                         "-",
                         "-",
                         false,
                         {},
                         {}};
        for (const auto& task : data.tasks) {
            const ReportRow* row = nullptr;
            for (const auto& r : data.rows) {
                if (r.task == task && r.run_dir == run.run_dir) row = &r;
            }
            if (!row) {
                line.task_cells.push_back("-");
                line.task_marks.push_back("");
                continue;
            }
            line.is_reference = row->is_reference;
            if (row->has_reference) line.saved = fmt::format("{:.1f}%", 100.0 * row->memory_saved);
            line.kl = kl_text(*row);
            line.top1 = top1_text(*row);
            line.task_cells.push_back(fmt::format("{:.3f} [{:.3f}, {:.3f}]{}", row->score,
                                                  row->ci_low, row->ci_high,
                                                  row->test_set_note.empty() ? "" : kNoteMark));
            line.task_marks.push_back(
                significance_label(row->difference, row->significant && row->has_reference));
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

// Shared with report_html.cpp: "-" without a fidelity measurement (full precision, or none stored).
std::string kl_text(const ReportRow& r) {
    return r.has_fidelity ? fmt::format("{:.4f} ± {:.4f}", r.kl_mean, r.kl_mean_se) : "-";
}
std::string top1_text(const ReportRow& r) {
    return r.has_fidelity
               ? fmt::format("{:.1f}% ± {:.1f}", 100.0 * r.top1_agreement, 100.0 * r.top1_se)
               : "-";
}

namespace {

// A table's heading row and the row that aligns its columns.
std::string markdown_head(const std::vector<ReportColumn>& columns) {
    std::string head = "|", align = "|";
    for (const auto& column : columns) {
        head += " " + column.heading + " |";
        align += column.text ? "---|" : "---:|";
    }
    return head + "\n" + align + "\n";
}

std::string markdown_table(const ReportTable& table) {
    std::string out = markdown_head(table.columns);
    for (const auto& row : table.rows) {
        out += "|";
        for (std::size_t i = 0; i < row.size(); ++i)
            out += " " + (table.columns[i].text ? md_cell(row[i]) : row[i]) + " |";
        out += "\n";
    }
    return out;
}

// Title, protocol, provenance and how to read the tables.
std::string markdown_header(const ReportData& data) {
    std::string out = "# biomedq report\n\n";
    out += fmt::format("Protocol: {} ({}).\n\n", md_cell(data.protocol),
                       protocol_description(data.protocol));
    out += "| provenance | |\n|---|---|\n";
    for (const auto& item : data.provenance)
        out += fmt::format("| {} | {} |\n", md_cell(item.label), md_cell(item.value));
    out += "\n";
    out +=
        "Scores are the task's primary metric with a 95% bootstrap CI. Δ is the paired-bootstrap "
        "difference to "
        "the same model's full-precision run (same prompt, subset and seed) on the examples both "
        "finished; "
        "a significant gain (better than full precision) or significant loss (worse) has p < 0.05. "
        "Scores marked "
        "† were measured on a test set with a caveat, named under the task's heading. Memory is "
        "the measured "
        "peak (device peak on GPU, llama.cpp allocations on CPU). KL is "
        "the mean per-token KL divergence (nats, ± standard error) of the quantized model's "
        "next-token "
        "distribution from its full-precision source on the sweep's task text; top-1 is how often "
        "their most "
        "likely tokens agree.\n";
    return out;
}

// The paper's "score vs memory per model and type": one row per run, one column per task.
std::string markdown_summary(const ReportData& data) {
    std::string out;
    out +=
        "\n## Summary: score and memory per model and type\n\n| model | quant | prompt | bpw | "
        "peak memory | saved | "
        "KL (nats) | top-1 |";
    std::string align = "|---|---|---|---:|---:|---:|---:|---:|";
    for (const auto& task : data.tasks) {
        out += " " + md_cell(task) + " |";
        align += "---|";
    }
    out += "\n" + align + "\n";
    for (const auto& line : summary_lines(data)) {
        out +=
            fmt::format("| {} | {} | {} | {:.2f} | {} | {} | {} | {} |", md_cell(line.model),
                        md_cell(line.quant), md_cell(line.prompt), line.bits_per_weight, line.peak,
                        line.is_reference ? "reference" : line.saved, line.kl, line.top1);
        for (std::size_t t = 0; t < line.task_cells.size(); ++t) {
            out += " " + line.task_cells[t] +
                   (line.task_marks[t].empty() ? "" : " " + line.task_marks[t]) + " |";
        }
        out += "\n";
    }
    return out;
}

// Per task: every run's score with its CI and its difference to full precision.
std::string markdown_task_tables(const ReportData& data) {
    std::string out;
    for (const auto& task : data.tasks) {
        out += fmt::format("\n## {}\n\n", md_cell(task));
        for (const auto& note : task_test_set_notes(data, task))
            out += md_cell(test_set_note_text(task, note)) + "\n\n";
        out += md_cell(metric_line(data, task)) + "\n\n";
        out += markdown_head(task_table_columns());
        for (const auto& r : data.rows) {
            if (r.task != task) continue;
            out += fmt::format(
                "| {} | {} | {} | {:.2f} | {:.3f} [{:.3f}, {:.3f}]{} | {} | {} | {} | {:.1f}% |\n",
                md_cell(r.model), md_cell(quant_display(r.quant_type, r.kv_type)),
                md_cell(r.prompt), r.bits_per_weight, r.score, r.ci_low, r.ci_high,
                r.test_set_note.empty() ? "" : kNoteMark, difference_text(r),
                r.has_reference ? fmt::format("{:.4f}", r.p_value) : "-", r.n_examples,
                100.0 * r.invalid_rate);
        }
    }
    return out;
}

// Memory and speed per run, and per device where a model was split over several.
std::string markdown_memory(const ReportData& data) {
    std::string out = "\n## Memory and speed\n\n" + markdown_table(memory_speed_table(data));
    const ReportTable devices = device_memory_table(data);
    if (!devices.rows.empty()) {
        out +=
            "\n## Memory per device (models split over several devices)\n\nWeights, KV cache and "
            "compute are "
            "llama.cpp's buffers on each device; peak is the driver's reading (`-` where there is "
            "none: host, "
            "RPC).\n\n" +
            markdown_table(devices);
    }
    return out;
}

}  // namespace

std::string render_markdown(const ReportData& data) {
    return markdown_header(data) + markdown_summary(data) + markdown_task_tables(data) +
           markdown_memory(data);
}

std::string render_csv(const ReportData& data) {
    std::string out =
        "task,model,quant_type,prompt,bits_per_weight,metric,score,ci_low,ci_high,n_examples,"
        "invalid_rate,is_reference,"
        "difference,difference_ci_low,difference_ci_high,p_value,n_paired,significant,bytes_"
        "weights,bytes_kv,"
        "bytes_compute,bytes_peak,memory_saved,examples_per_s,generated_tokens_per_s,on_frontier,"
        "kl_mean,kl_mean_se,"
        "top1_agreement,top1_se,run_dir,kv_type,test_set_note,protocol\n";
    for (const auto& r : data.rows) {
        const bool diff = r.has_reference;
        out += fmt::format(
            "{},{},{},{},{:.4f},{},{:.6f},{:.6f},{:.6f},{},{:.6f},{},{},{},{},{},{},{},{},{},{},{},"
            "{:.6f},{:.4f},{:.4f},{},{},{},{},{},{}\n",
            csv_escape(r.task), csv_escape(r.model), csv_escape(r.quant_type), csv_escape(r.prompt),
            r.bits_per_weight, csv_escape(r.metric), r.score, r.ci_low, r.ci_high, r.n_examples,
            r.invalid_rate, r.is_reference ? 1 : 0, diff ? fmt::format("{:.6f}", r.difference) : "",
            diff ? fmt::format("{:.6f}", r.difference_ci_low) : "",
            diff ? fmt::format("{:.6f}", r.difference_ci_high) : "",
            diff ? fmt::format("{:.6f}", r.p_value) : "", r.n_paired, r.significant ? 1 : 0,
            r.bytes_weights, r.bytes_kv, r.bytes_compute, r.bytes_peak, r.memory_saved,
            r.examples_per_s, r.generated_tokens_per_s, r.on_frontier ? 1 : 0,
            r.has_fidelity ? fmt::format("{:.6f},{:.6f},{:.6f},{:.6f}", r.kl_mean, r.kl_mean_se,
                                         r.top1_agreement, r.top1_se)
                           : std::string(",,,"),
            csv_escape(r.run_dir), csv_escape(r.kv_type), csv_escape(r.test_set_note),
            csv_escape(data.protocol));
    }
    return out;
}

}  // namespace biomedq
