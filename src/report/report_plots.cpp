// The report's Vega-Lite specs. Data is inline (the HTML must work offline from one file).
#include <fmt/format.h>

#include "biomedq/report.h"

namespace biomedq {
namespace {

using nlohmann::json;

constexpr const char* kVegaLiteSchema = "https://vega.github.io/schema/vega-lite/v6.json";

// The two difference plots (against bits per weight, against KL) share their y axis, colour, a rule
// at 0 and each point's 95% CI as a rule; they differ in the x axis.
const json& difference_y() {
    static const json y = {
        {"field", "difference"}, {"type", "quantitative"}, {"title", "score − full precision"}};
    return y;
}

const json& task_color() {
    static const json color = {{"field", "task"}, {"type", "nominal"}};
    return color;
}

json difference_rules(const json& x) {
    return json::array(
        {{{"mark", "rule"}, {"encoding", {{"y", {{"datum", 0}}}, {"color", {{"value", "#999"}}}}}},
         {{"mark", "rule"},
          {"encoding",
           {{"x", x},
            {"y", {{"field", "difference_low"}, {"type", "quantitative"}}},
            {"y2", {{"field", "difference_high"}}},
            {"color", task_color()}}}}});
}

// One row per task result, as every plot but the throughput one reads it.
json plot_rows(const ReportData& data) {
    json rows = json::array();
    for (const auto& r : data.rows) {
        rows.push_back(
            {{"task", r.task},
             {"model", r.model},
             {"quant", r.quant_type},
             {"prompt", r.prompt},
             {"config", r.model + " " + r.quant_type +
                            (r.kv_type == "f16" ? "" : " KV " + r.kv_type) + " " + r.prompt},
             {"bpw", r.bits_per_weight},
             {"score", r.score},
             {"score_low", r.ci_low},
             {"score_high", r.ci_high},
             {"label", quant_display(r.quant_type, r.kv_type)},
             {"peak_mib", static_cast<double>(r.bytes_peak) / (1024.0 * 1024.0)},
             {"frontier", r.on_frontier},
             {"has_difference", r.has_reference},
             {"difference", r.difference},
             {"difference_low", r.difference_ci_low},
             {"difference_high", r.difference_ci_high},
             {"significant", r.significant},
             {"has_fidelity", r.has_fidelity},
             {"kl_mean", r.kl_mean},
             {"kl_mean_se", r.kl_mean_se},
             {"top1_agreement", r.top1_agreement}});
    }
    return rows;
}

json run_rows(const ReportData& data) {
    json runs = json::array();
    for (const auto& run : data.runs) {
        runs.push_back({{"model", run.model_name},
                        {"quant", run.quant_type},
                        {"prompt", run.prompt},
                        {"bpw", run.bits_per_weight},
                        {"tokens_per_s", run.generated_tokens_per_s},
                        {"examples_per_s", run.examples_per_s}});
    }
    return runs;
}

json score_memory_plot(const json& rows) {
    const json tooltip =
        json::array({{{"field", "config"}},
                     {{"field", "score"}, {"format", ".3f"}},
                     {{"field", "score_low"}, {"title", "95% CI low"}, {"format", ".3f"}},
                     {{"field", "score_high"}, {"title", "95% CI high"}, {"format", ".3f"}},
                     {{"field", "peak_mib"}, {"title", "peak MiB"}, {"format", ".1f"}}});
    // Axes start near the data, not at 0 (bits per weight 6.4-6.5 must not be squeezed into a
    // corner); quantization types are told apart by colour and by a text label beside each point,
    // so a printed copy without tooltips still says which point is which.
    const json memory_x = {{"field", "peak_mib"},
                           {"type", "quantitative"},
                           {"title", "peak memory (MiB)"},
                           {"scale", {{"zero", false}, {"nice", true}}}};
    const json score_y = {{"field", "score"},
                          {"type", "quantitative"},
                          {"title", "score (95% CI)"},
                          {"scale", {{"zero", false}, {"domain", {0, 1}}}}};
    const json quant_color = {{"field", "quant"},
                              {"type", "nominal"},
                              {"title", "quantization"},
                              {"sort", {{"field", "bpw"}, {"order", "descending"}}}};
    json score_memory = {
        {"$schema", kVegaLiteSchema},
        {"title", "Score against peak memory (line: Pareto frontier)"},
        {"data", {{"values", rows}}},
        {"facet", {{"field", "task"}, {"type", "nominal"}, {"title", nullptr}}},
        {"columns", 4},
        {"spec",
         {{"width", 220},
          {"height", 160},
          {"layer",
           json::array(
               {{{"mark", {{"type", "line"}, {"color", "#888"}, {"strokeDash", {4, 2}}}},
                 {"transform", json::array({{{"filter", "datum.frontier"}}})},
                 {"encoding",
                  {{"x", memory_x}, {"y", score_y}, {"order", {{"field", "peak_mib"}}}}}},
                {{"mark", {{"type", "rule"}, {"strokeWidth", 1.5}}},
                 {"encoding",
                  {{"x", memory_x},
                   {"y", {{"field", "score_low"}, {"type", "quantitative"}}},
                   {"y2", {{"field", "score_high"}}},
                   {"color", quant_color}}}},
                {{"mark", {{"type", "point"}, {"filled", true}, {"size", 70}}},
                 {"encoding",
                  {{"x", memory_x},
                   {"y", score_y},
                   {"color", quant_color},
                   {"shape", {{"field", "model"}, {"type", "nominal"}}},
                   {"tooltip", tooltip}}}},
                {{"mark",
                  {{"type", "text"}, {"align", "left"}, {"dx", 6}, {"dy", -6}, {"fontSize", 9}}},
                 {"encoding",
                  {{"x", memory_x},
                   {"y", score_y},
                   {"text", {{"field", "label"}}},
                   {"color", quant_color}}}}})}}}};
    return score_memory;
}

json difference_plot(const json& rows) {
    json difference_layers = difference_rules(
        {{"field", "bpw"}, {"type", "quantitative"}, {"scale", {{"zero", false}}}});
    difference_layers.push_back(
        {{"mark", {{"type", "point"}, {"filled", true}, {"size", 60}}},
         {"encoding",
          {{"x",
            {{"field", "bpw"},
             {"type", "quantitative"},
             {"title", "bits per weight"},
             {"scale", {{"zero", false}, {"padding", 12}}}}},
           {"y", difference_y()},
           {"color", task_color()},
           {"shape", {{"field", "significant"}, {"type", "nominal"}}},
           {"tooltip", json::array({{{"field", "config"}},
                                    {{"field", "task"}},
                                    {{"field", "difference"}, {"format", "+.3f"}}})}}}});
    difference_layers.push_back(
        {{"mark", {{"type", "text"}, {"align", "left"}, {"dx", 6}, {"dy", -6}, {"fontSize", 9}}},
         {"encoding",
          {{"x", {{"field", "bpw"}, {"type", "quantitative"}}},
           {"y", {{"field", "difference"}, {"type", "quantitative"}}},
           {"text", {{"field", "label"}}},
           {"color", task_color()}}}});
    json difference = {
        {"$schema", kVegaLiteSchema},
        {"title", "Difference to full precision against bits per weight (bars: 95% CI)"},
        {"data", {{"values", rows}}},
        {"transform", json::array({{{"filter", "datum.has_difference"}}})},
        {"width", 480},
        {"height", 240},
        {"layer", difference_layers}};
    return difference;
}

json throughput_plot(const json& runs) {
    json throughput = {{"$schema", kVegaLiteSchema},
                       {"title", "Generation throughput per quantization type"},
                       {"data", {{"values", runs}}},
                       {"width", 480},
                       {"height", 220},
                       {"mark", "bar"},
                       {"encoding",
                        {{"x",
                          {{"field", "quant"},
                           {"type", "nominal"},
                           {"title", "quantization"},
                           {"sort", {{"field", "bpw"}, {"order", "descending"}}}}},
                         {"xOffset", {{"field", "model"}}},
                         {"y",
                          {{"field", "tokens_per_s"},
                           {"type", "quantitative"},
                           {"aggregate", "mean"},
                           {"title", "generated tokens/s"}}},
                         {"color", {{"field", "model"}, {"type", "nominal"}}}}}};
    return throughput;
}

json kl_plot(const json& fidelity_rows) {
    json kl_layers = difference_rules(
        {{"field", "kl_mean"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}});
    kl_layers.push_back(
        {{"mark", {{"type", "point"}, {"filled", true}, {"size", 60}}},
         {"encoding",
          {{"x",
            {{"field", "kl_mean"},
             {"type", "quantitative"},
             {"scale", {{"type", "log"}}},
             {"title", "KL divergence from full precision (nats/token, log scale)"},
             // A log axis labels every power's 1..9 ticks by default, and they collide.
             {"axis", {{"labelOverlap", "greedy"}, {"tickCount", 5}, {"format", "~g"}}}}},
           {"y", difference_y()},
           {"color", task_color()},
           {"shape", {{"field", "model"}, {"type", "nominal"}}},
           {"tooltip",
            json::array({{{"field", "config"}},
                         {{"field", "task"}},
                         {{"field", "kl_mean"}, {"title", "KL"}, {"format", ".4f"}},
                         {{"field", "top1_agreement"}, {"title", "top-1"}, {"format", ".1%"}},
                         {{"field", "difference"}, {"format", "+.3f"}}})}}}});
    return {{"$schema", kVegaLiteSchema},
            {"title", "Task score change against KL divergence from full precision (bars: 95% CI)"},
            {"data", {{"values", fidelity_rows}}},
            {"width", 480},
            {"height", 240},
            {"layer", kl_layers}};
}

}  // namespace

std::vector<nlohmann::json> report_plot_specs(const ReportData& data) {
    const json rows = plot_rows(data);
    std::vector<json> specs = {score_memory_plot(rows), difference_plot(rows),
                               throughput_plot(run_rows(data))};
    // Score change against KL divergence: is the cheap fidelity signal a fair proxy for task
    // damage? Only rows with both a difference and a positive KL can sit on a log axis; without any
    // the plot is left out (an empty log scale makes vega warn on the console).
    json fidelity_rows = json::array();
    for (const auto& row : rows) {
        if (row["has_fidelity"].get<bool>() && row["has_difference"].get<bool>() &&
            row["kl_mean"].get<double>() > 0.0) {
            fidelity_rows.push_back(row);
        }
    }
    if (fidelity_rows.empty()) return specs;
    specs.push_back(kl_plot(fidelity_rows));
    return specs;
}

}  // namespace biomedq
