// The shape every corpus-level metric is reduced to so one bootstrap loop serves them all: each
// example contributes a few additive counts ("sufficient statistics": tp/fp/fn per class, matched
// spans, a correctness bit), and the metric is a function of the summed counts. Resampling examples
// then only re-sums counts, O(resamples * n) with no re-parsing or re-matching.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace biomedq::metrics {

// Per-example counts, stored sparsely (most examples touch 1-3 of the slots) in CSR form.
class ExampleStats {
public:
    explicit ExampleStats(std::size_t n_slots = 0) : n_slots_(n_slots) {}

    // Adds `amount` to `slot` for the example currently being built.
    void add(std::size_t slot, double amount) {
        slots_.push_back(static_cast<std::uint32_t>(slot));
        amounts_.push_back(amount);
    }
    // Closes the current example; the next add() starts the following one.
    void finish_example() { offsets_.push_back(slots_.size()); }

    std::size_t n_slots() const { return n_slots_; }
    std::size_t n_examples() const { return offsets_.size() - 1; }

    // totals[slot] += this example's counts.
    void accumulate(std::size_t example, std::vector<double>& totals) const {
        for (std::size_t k = offsets_[example]; k < offsets_[example + 1]; ++k) {
            totals[slots_[k]] += amounts_[k];
        }
    }

private:
    std::size_t n_slots_;
    std::vector<std::size_t> offsets_{0};
    std::vector<std::uint32_t> slots_;
    std::vector<double> amounts_;
};

// Corpus-level value from summed counts; n_examples is the (resampled) number of examples.
using Reducer = std::function<double(const std::vector<double>& totals, std::size_t n_examples)>;

struct MetricDefinition {
    std::string name;
    ExampleStats stats;
    Reducer reduce;
};

// The metric on the whole (not resampled) data set.
double point_value(const MetricDefinition& metric);

}  // namespace biomedq::metrics
