// Precision / recall / F1 from counts with sklearn's zero_division=0: a ratio with a zero
// denominator is 0, never NaN, so an empty prediction set scores P=0 instead of poisoning averages.
#pragma once

namespace biomedq::metrics {

inline double safe_ratio(double numerator, double denominator) {
    return denominator > 0.0 ? numerator / denominator : 0.0;
}

inline double f1_from_precision_recall(double precision, double recall) {
    return safe_ratio(2.0 * precision * recall, precision + recall);
}

struct Prf {
    double precision = 0.0, recall = 0.0, f1 = 0.0;
};

inline Prf prf_from_counts(double tp, double fp, double fn) {
    Prf out;
    out.precision = safe_ratio(tp, tp + fp);
    out.recall = safe_ratio(tp, tp + fn);
    out.f1 = f1_from_precision_recall(out.precision, out.recall);
    return out;
}

}  // namespace biomedq::metrics
