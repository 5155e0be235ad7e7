// The score-vs-memory Pareto frontier: configurations no other one beats on both axes.
#include <algorithm>
#include <numeric>

#include "biomedq/report.h"

namespace biomedq {

std::vector<std::size_t> pareto_frontier(const std::vector<ParetoPoint>& points) {
    std::vector<std::size_t> out;
    // O(n^2): a report has tens of points per task, and the direct definition is easy to trust.
    for (std::size_t i = 0; i < points.size(); ++i) {
        bool dominated = false;
        for (std::size_t j = 0; j < points.size() && !dominated; ++j) {
            const auto& a = points[j];
            const auto& b = points[i];
            dominated =
                a.cost <= b.cost && a.score >= b.score && (a.cost < b.cost || a.score > b.score);
        }
        if (!dominated) out.push_back(i);
    }
    std::stable_sort(out.begin(), out.end(),
                     [&](std::size_t a, std::size_t b) { return points[a].cost < points[b].cost; });
    return out;
}

}  // namespace biomedq
