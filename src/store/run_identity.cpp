#include "store/run_identity.h"

#include <nlohmann/json.hpp>

#include "biomedq/record.h"
#include "core/sha256.h"

namespace biomedq::store {

std::string run_content_sha256(const StoredRun& run) {
    // nlohmann writes doubles in their shortest round-trip form, so equal values give equal text.
    nlohmann::json doc = {{"model_name", run.model_name},
                          {"model_path", run.model_path},
                          {"model_sha256", run.model_sha256},
                          {"quant_type", run.quant_type},
                          {"quant_label", run.quant_label},
                          {"bits_per_weight", run.bits_per_weight},
                          {"n_params", run.n_params},
                          {"bytes_file", run.bytes_file},
                          {"prompt", run.prompt},
                          {"subset", run.subset},
                          {"limit", run.limit},
                          {"seed", run.seed},
                          {"ctx", run.ctx},
                          {"config_hash", run.config_hash},
                          {"backend", run.backend},
                          {"kv_type", run.kv_type},
                          {"protocol", run.protocol},
                          {"environment", run.environment},
                          {"finished_at", run.finished_at},
                          {"bytes_weights", run.bytes_weights},
                          {"bytes_kv", run.bytes_kv},
                          {"bytes_compute", run.bytes_compute},
                          {"bytes_total_allocated", run.bytes_total_allocated},
                          {"bytes_peak", run.bytes_peak},
                          {"host_peak_rss_bytes", run.host_peak_rss_bytes},
                          {"examples_per_s", run.examples_per_s},
                          {"prompt_tokens_per_s", run.prompt_tokens_per_s},
                          {"generated_tokens_per_s", run.generated_tokens_per_s},
                          {"devices", nlohmann::json::array()},
                          {"tasks", nlohmann::json::array()}};
    for (const auto& d : run.devices) {
        doc["devices"].push_back({d.device, d.bytes_weights, d.bytes_kv, d.bytes_compute,
                                  d.bytes_output, d.bytes_peak_used, d.bytes_total});
    }
    for (const auto& t : run.tasks) {
        nlohmann::json task = {{"task", t.task},
                               {"kind", t.kind},
                               {"primary_metric", t.primary_metric},
                               {"n_examples", t.n_examples},
                               {"n_selected", t.n_selected},
                               {"invalid_rate", t.invalid_rate},
                               {"complete", t.complete},
                               {"label_set", t.metric_options.label_set},
                               {"negative_label", t.metric_options.negative_label},
                               {"test_set_note", t.test_set_note},
                               {"metric_definitions", t.metric_definitions},
                               {"published_metric_names", t.published_metric_names},
                               {"metrics", nlohmann::json::array()},
                               {"samples", nlohmann::json::array()}};
        for (const auto& m : t.metrics)
            task["metrics"].push_back({m.name, m.value, m.ci_low, m.ci_high});
        for (const auto& s : t.samples) {
            task["samples"].push_back(
                {s.example_id, s.index, s.score, to_json(s.gold), to_json(s.parsed)});
        }
        doc["tasks"].push_back(std::move(task));
    }
    return sha256_hex(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace biomedq::store
