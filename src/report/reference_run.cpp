#include "report/reference_run.h"

#include <map>
#include <utility>

namespace biomedq::report {

const StoredRun* full_precision_reference(const std::vector<StoredRun>& runs,
                                          const StoredRun& run) {
    // The reference uses the same KV cache type when the store has one (the difference is then the
    // weights' alone), else the plain f16 cache; among those, the most bits per weight.
    auto rank = [&](const StoredRun& r) {
        return std::make_pair(r.kv_type == run.kv_type ? 2
                              : r.kv_type == "f16"     ? 1
                                                       : 0,
                              r.bits_per_weight);
    };
    const StoredRun* best = nullptr;
    for (const auto& r : runs) {
        if (!r.full_precision() || r.model_name != run.model_name || r.prompt != run.prompt ||
            r.subset != run.subset || r.seed != run.seed || r.limit != run.limit) {
            continue;
        }
        if (!best || rank(r) > rank(*best)) best = &r;
    }
    if (run.full_precision()) return &run;
    return best;
}

Result<PairedResult> paired_against_reference(const StoredTask& reference, const StoredTask& task,
                                              int resamples, std::uint64_t seed) {
    std::map<std::string, const StoredSample*> in_reference;
    for (const auto& s : reference.samples) in_reference[s.example_id] = &s;
    std::vector<Gold> gold;
    std::vector<Prediction> pred_ref, pred_run;
    for (const auto& s : task.samples) {  // task.samples are in index order
        auto found = in_reference.find(s.example_id);
        if (found == in_reference.end()) continue;
        gold.push_back(s.gold);
        pred_ref.push_back(found->second->parsed);
        pred_run.push_back(s.parsed);
    }
    PairedResult out;
    out.n_paired = static_cast<int>(gold.size());
    out.difference.metric = task.primary_metric;
    if (gold.empty()) return out;
    MetricOptions options = task.metric_options;
    options.bootstrap_resamples = std::max(1, resamples);
    options.seed = seed;
    auto d = paired_bootstrap(task.primary_metric, gold, pred_ref, pred_run, options);
    if (!d.ok()) return d.error().with_context("paired bootstrap of " + task.task);
    out.difference = std::move(d).value();
    return out;
}

}  // namespace biomedq::report
