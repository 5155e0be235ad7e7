// Maps class names to dense indices for per-class counting. Index size() is the "outside the label
// set" bucket: a predicted label the config does not list is still wrong (a false positive for
// micro averages) but belongs to no class that a macro average runs over.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "biomedq/metrics.h"
#include "biomedq/result.h"

namespace biomedq::metrics {

class LabelIndex {
public:
    explicit LabelIndex(std::vector<std::string> labels);

    const std::vector<std::string>& labels() const { return labels_; }
    std::size_t size() const { return labels_.size(); }
    std::size_t outside() const { return labels_.size(); }  // the bucket for unlisted labels
    std::size_t slot_of(const std::string& label) const;    // outside() when not listed
    bool contains(const std::string& label) const { return index_.count(label) != 0; }

private:
    std::vector<std::string> labels_;
    std::unordered_map<std::string, std::size_t> index_;
};

// options.label_set when given (its order kept, duplicates are an error); otherwise the sorted
// union of every gold label and every label of a valid prediction. With an explicit label set, a
// gold label outside it is kInvalidArgument naming the metric and the example index: it means the
// task config and the data disagree, which must not be scored silently.
Result<LabelIndex> build_label_index(const std::string& metric_name, const std::vector<Gold>& gold,
                                     const std::vector<Prediction>& pred,
                                     const MetricOptions& options);

// "[a, b, c]" for messages.
std::string join_labels(const std::vector<std::string>& labels);

}  // namespace biomedq::metrics
