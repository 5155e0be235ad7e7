// report.html: one self-contained file (tables, inlined vega JS, inline plot data) that works from
// disk.
#include <fmt/format.h>

#include "biomedq/report.h"
#include "core/file_io.h"
#include "report/report_pieces.h"
#include "report/report_table.h"
#include "report/vega_bundle.h"

namespace biomedq {

namespace {

constexpr const char* kStyle = R"css(
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f3f3f3; }
td.text { text-align: left; }
tr.reference td { background: #f7fbff; }
.significant { font-weight: bold; }
.significant.loss { color: #b00020; }
.significant.gain { color: #1b7f3b; }
.note { color: #555; max-width: 60em; }
.plot { margin: 1em 0 2em; }
table.provenance th { text-align: left; }
table.provenance td { text-align: left; }
@media print {
  body { margin: 0; font-size: 9pt; }
  h2 { break-after: avoid; }
  table, .plot { break-inside: avoid; }
  tr { break-inside: avoid; }
  th { background: none; }
  .significant.gain, .significant.loss { color: #000; }
  a { color: inherit; text-decoration: none; }
}
)css";

// A table's opening up to its first row.
std::string html_head(const std::vector<ReportColumn>& columns) {
    std::string out = "<table><thead><tr>";
    for (const auto& column : columns) out += "<th>" + column.heading + "</th>";
    return out + "</tr></thead><tbody>\n";
}

std::string provenance_table(const ReportData& data) {
    std::string out = "<table class=\"provenance\"><tbody>\n";
    for (const auto& item : data.provenance) {
        out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", html_escape(item.label),
                           html_escape(item.value));
    }
    return out + "</tbody></table>\n";
}

std::string summary_table(const ReportData& data) {
    std::string out =
        "<table><thead><tr><th>model</th><th>quant</th><th>prompt</th><th>bpw</th><th>peak "
        "memory</th>"
        "<th>saved vs full precision</th><th>KL vs full precision (nats) ± se</th><th>top-1 "
        "agreement ± se</th>";
    for (const auto& task : data.tasks) out += "<th>" + html_escape(task) + "</th>";
    out += "</tr></thead><tbody>\n";
    for (const auto& line : summary_lines(data)) {
        out += fmt::format(
            "<tr{}><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td>"
            "<td>{:.2f}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            line.is_reference ? " class=\"reference\"" : "", html_escape(line.model),
            html_escape(line.quant), html_escape(line.prompt), line.bits_per_weight,
            html_escape(line.peak), line.is_reference ? "reference" : html_escape(line.saved),
            html_escape(line.kl), html_escape(line.top1));
        for (std::size_t t = 0; t < line.task_cells.size(); ++t) {
            const std::string& mark = line.task_marks[t];
            const std::string cls = mark.empty()                 ? ""
                                    : mark == "significant gain" ? " class=\"significant gain\""
                                                                 : " class=\"significant loss\"";
            out += fmt::format("<td{}>{}{}</td>", cls, html_escape(line.task_cells[t]),
                               mark.empty() ? "" : " " + mark);
        }
        out += "</tr>\n";
    }
    return out + "</tbody></table>\n";
}

// Gains and losses are coloured apart (green, red); the cell's words say which, for print too.
std::string significance_class(const ReportRow& r) {
    const std::string label = significance_label(r.difference, r.significant);
    if (label.empty()) return "";
    return label == "significant gain" ? " class=\"significant gain\""
                                       : " class=\"significant loss\"";
}

std::string task_table(const ReportData& data, const std::string& task) {
    std::string out = html_head(task_table_columns());
    for (const auto& r : data.rows) {
        if (r.task != task) continue;
        out += fmt::format(
            "<tr{}><td class=\"text\">{}</td><td class=\"text\">{}</td><td "
            "class=\"text\">{}</td><td>{:.2f}</td>"
            "<td>{:.3f} [{:.3f}, "
            "{:.3f}]{}</td><td{}>{}</td><td>{}</td><td>{}</td><td>{:.1f}%</td></tr>\n",
            r.is_reference ? " class=\"reference\"" : "", html_escape(r.model),
            html_escape(quant_display(r.quant_type, r.kv_type)), html_escape(r.prompt),
            r.bits_per_weight, r.score, r.ci_low, r.ci_high, r.test_set_note.empty() ? "" : " †",
            significance_class(r), html_escape(difference_text(r)),
            r.has_reference ? fmt::format("{:.4f}", r.p_value) : "-", r.n_examples,
            100.0 * r.invalid_rate);
    }
    return out + "</tbody></table>\n";
}

std::string html_table(const ReportTable& table) {
    std::string out = html_head(table.columns);
    for (const auto& row : table.rows) {
        out += "<tr>";
        for (std::size_t i = 0; i < row.size(); ++i) {
            out += table.columns[i].text ? "<td class=\"text\">" + html_escape(row[i]) + "</td>"
                                         : "<td>" + row[i] + "</td>";
        }
        out += "</tr>\n";
    }
    return out + "</tbody></table>\n";
}

}  // namespace

std::string render_html(const ReportData& data) {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>biomedq "
        "report</title>\n";
    out += fmt::format("<style>{}</style>\n", kStyle);
    const bool plots = report::vega_bundled();
    if (plots) {
        // The libraries contain no "</script" (scripts/embed-vega.cmake would have to escape it
        // otherwise).
        for (const char* lib : {"vega", "vega-lite", "vega-embed"}) {
            out += fmt::format("<script>/* {} */\n{}\n</script>\n", lib, report::vega_script(lib));
        }
    }
    out += "</head><body>\n<h1>biomedq report</h1>\n";
    out += fmt::format("<p>Protocol: <strong>{}</strong> ({}).</p>\n", html_escape(data.protocol),
                       html_escape(protocol_description(data.protocol)));
    out += provenance_table(data);
    out +=
        "<p class=\"note\">Scores are each task's primary metric with a 95% bootstrap CI. Δ is the "
        "paired-bootstrap "
        "difference to the same model's full-precision run (same prompt, subset and seed) on the "
        "examples both "
        "finished; a <span class=\"significant gain\">significant gain</span> (better than full "
        "precision) or "
        "<span class=\"significant loss\">significant loss</span> (worse) has p &lt; 0.05. Scores "
        "marked † were "
        "measured on a test set with a caveat, named under the task's heading. Memory is the "
        "measured peak (device "
        "peak on GPU, llama.cpp allocations on CPU); saved is against full precision. KL is the "
        "mean per-token "
        "KL divergence of the quantized model's next-token distribution from its full-precision "
        "source on the "
        "sweep's task text, and top-1 agreement the share of positions whose most likely token "
        "agrees.</p>\n";
    out += "<h2>Summary: score and memory per model and type</h2>\n" + summary_table(data);
    if (plots) {
        out += "<h2>Plots</h2>\n";
        const auto specs = report_plot_specs(data);
        for (std::size_t i = 0; i < specs.size(); ++i)
            out += fmt::format("<div class=\"plot\" id=\"plot-{}\"></div>\n", i);
        out += "<script>\n(function () {\n  var specs = [";
        for (std::size_t i = 0; i < specs.size(); ++i)
            out += (i ? ",\n" : "\n") + json_for_script(specs[i]);
        out +=
            "];\n  specs.forEach(function (spec, i) {\n"
            "    vegaEmbed('#plot-' + i, spec, {renderer: 'svg', actions: false}).catch(function "
            "(e) {\n"
            "      document.getElementById('plot-' + i).textContent = 'plot failed: ' + e; "
            "console.error(e); });\n"
            "  });\n})();\n</script>\n";
        out += fmt::format("<p class=\"note\">Plots drawn with {}.</p>\n",
                           html_escape(report::vega_versions()));
    } else {
        out +=
            "<p class=\"note\">Plots unavailable: this biomedq was built without the vega "
            "JavaScript "
            "(scripts/fetch-vega.sh could not fetch it).</p>\n";
    }
    for (const auto& task : data.tasks) {
        out += fmt::format("<h2>{}</h2>\n", html_escape(task));
        for (const auto& note : task_test_set_notes(data, task)) {
            out += fmt::format("<p class=\"note\">{}</p>\n",
                               html_escape(test_set_note_text(task, note)));
        }
        out += fmt::format("<p class=\"note\">{}</p>\n", html_escape(metric_line(data, task)));
        out += task_table(data, task);
    }
    out += "<h2>Memory and speed</h2>\n" + html_table(memory_speed_table(data));
    if (const ReportTable devices = device_memory_table(data); !devices.rows.empty()) {
        out += "<h2>Memory per device (models split over several devices)</h2>\n" +
               html_table(devices);
    }
    return out + "</body></html>\n";
}

Result<std::vector<std::filesystem::path>> write_report(const std::filesystem::path& store_path,
                                                        const std::filesystem::path& out_dir,
                                                        const ReportOptions& options) {
    if (!std::filesystem::exists(store_path)) {
        return make_error(ErrorCode::kNotFound, store_path.string() + ": no such result store");
    }
    BIOMEDQ_ASSIGN(ResultStore store, ResultStore::open(store_path));
    BIOMEDQ_ASSIGN(auto all_runs, store.load_runs(true));
    if (all_runs.empty())
        return make_error(ErrorCode::kNotFound, store_path.string() + ": the store holds no runs");
    auto one_protocol = runs_of_one_protocol(std::move(all_runs), options.protocol);
    if (!one_protocol.ok()) return one_protocol.error().with_context(store_path.string());
    auto runs = std::move(one_protocol).value();
    BIOMEDQ_ASSIGN(auto fidelity, store.load_fidelity());
    BIOMEDQ_ASSIGN(ReportData data, build_report_data(runs, fidelity, options));
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec)
        return make_error(ErrorCode::kIo, out_dir.string() + ": cannot create: " + ec.message());
    const std::vector<std::pair<std::filesystem::path, std::string>> files = {
        {out_dir / "report.md", render_markdown(data)},
        {out_dir / "results.csv", render_csv(data)},
        {out_dir / "report.html", render_html(data)}};
    std::vector<std::filesystem::path> written;
    for (const auto& [path, content] : files) {
        BIOMEDQ_TRY(write_file_atomic(path, content));
        written.push_back(path);
    }
    return written;
}

}  // namespace biomedq
