#include "label_index.h"

#include <algorithm>
#include <set>

namespace biomedq::metrics {

LabelIndex::LabelIndex(std::vector<std::string> labels) : labels_(std::move(labels)) {
    for (std::size_t i = 0; i < labels_.size(); ++i) index_.emplace(labels_[i], i);
}

std::size_t LabelIndex::slot_of(const std::string& label) const {
    const auto it = index_.find(label);
    return it == index_.end() ? outside() : it->second;
}

std::string join_labels(const std::vector<std::string>& labels) {
    std::string out = "[";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i) out += ", ";
        out += labels[i];
    }
    return out + "]";
}

Result<LabelIndex> build_label_index(const std::string& metric_name, const std::vector<Gold>& gold,
                                     const std::vector<Prediction>& pred,
                                     const MetricOptions& options) {
    if (options.label_set.empty()) {
        std::set<std::string> seen;
        for (const Gold& g : gold) seen.insert(g.labels.begin(), g.labels.end());
        for (const Prediction& p : pred) {
            if (p.valid) seen.insert(p.labels.begin(), p.labels.end());
        }
        return LabelIndex(std::vector<std::string>(seen.begin(), seen.end()));
    }
    LabelIndex index(options.label_set);
    if (index.size() != options.label_set.size()) {
        return make_error(ErrorCode::kInvalidArgument,
                          metric_name + ": label_set " + join_labels(options.label_set) +
                              " lists a label twice; expected distinct labels");
    }
    for (std::size_t i = 0; i < gold.size(); ++i) {
        for (const std::string& label : gold[i].labels) {
            if (!index.contains(label)) {
                return make_error(ErrorCode::kInvalidArgument,
                                  metric_name + ": gold example #" + std::to_string(i) +
                                      ": label \"" + label + "\" is not in label_set " +
                                      join_labels(options.label_set));
            }
        }
    }
    return index;
}

}  // namespace biomedq::metrics
