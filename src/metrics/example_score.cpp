// example_score: the per-example number written to sample logs (include/biomedq/metrics.h).
#include <limits>

#include "biomedq/metrics.h"
#include "classification.h"
#include "multilabel.h"
#include "span_f1.h"

namespace biomedq {

const std::vector<std::string>& known_task_kinds() {
    static const std::vector<std::string> kinds = {"ner", "relation", "multilabel", "mcqa",
                                                   "classification"};
    return kinds;
}

double example_score(const std::string& task_kind, const Gold& gold, const Prediction& pred) {
    if (task_kind == "ner") return metrics::example_strict_span_f1(gold.spans, pred);
    if (task_kind == "multilabel") return metrics::example_multilabel_f1(gold, pred);
    if (task_kind == "relation" || task_kind == "mcqa" || task_kind == "classification") {
        return metrics::example_correct(gold, pred);
    }
    // No error channel in this signature: NaN is loud in logs and fails every comparison, where a
    // 0 would pass for a wrong answer.
    return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace biomedq
