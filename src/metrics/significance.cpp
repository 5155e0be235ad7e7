#include "biomedq/metrics.h"

namespace biomedq {

std::string significance_label(double difference, bool significant) {
    if (!significant) return "";
    if (difference > 0.0) return "significant gain";
    if (difference < 0.0) return "significant loss";
    return "";  // zero or NaN: no direction to report
}

}  // namespace biomedq
