// Few-shot example selection. Seeds mix in the task name so two tasks with the same --seed do not
// pick "the same" row positions, and exclude k so that k=3's shots are the first three of k=5's.
#include <algorithm>
#include <cmath>

#include "biomedq/task.h"
#include "tasks/label_matcher.h"
#include "tasks/seeded_random.h"

namespace biomedq {

namespace {

std::map<std::string, int> term_counts(const Example& example) {
    std::map<std::string, int> counts;
    const std::string normalized =
        tasks::normalize_for_match(example.text + " " + example.question);
    std::size_t start = 0;
    while (start < normalized.size()) {
        std::size_t end = normalized.find(' ', start);
        if (end == std::string::npos) end = normalized.size();
        ++counts[normalized.substr(start, end - start)];
        start = end + 1;
    }
    return counts;
}

// Unit-length TF-IDF vector: (1 + log tf) * idf.
std::vector<std::pair<std::string, double>> tfidf(const std::map<std::string, int>& counts,
                                                  const std::map<std::string, double>& idf) {
    std::vector<std::pair<std::string, double>> vector;
    double norm = 0.0;
    for (const auto& [term, count] : counts) {
        const auto it = idf.find(term);
        if (it == idf.end()) continue;
        const double weight = (1.0 + std::log(static_cast<double>(count))) * it->second;
        vector.emplace_back(term, weight);
        norm += weight * weight;
    }
    norm = std::sqrt(norm);
    if (norm > 0) {
        for (auto& [term, weight] : vector) weight /= norm;
    }
    return vector;
}

}  // namespace

ShotSelector ShotSelector::create(const TaskConfig& task, std::vector<Example> pool,
                                  const PromptOptions& options) {
    ShotSelector selector;
    selector.pool_ = std::move(pool);
    selector.k_ = std::max(0, options.k);
    selector.selection_ = options.selection;
    const std::uint64_t seed = tasks::SplitMix64(options.seed).next() ^ tasks::fnv1a64(task.name);
    selector.random_order_ = tasks::seeded_permutation(selector.pool_.size(), seed);
    if (options.selection == ShotSelection::kNearest) {
        std::vector<std::map<std::string, int>> counts;
        counts.reserve(selector.pool_.size());
        std::map<std::string, int> document_frequency;
        for (const auto& example : selector.pool_) {
            counts.push_back(term_counts(example));
            for (const auto& [term, count] : counts.back()) ++document_frequency[term];
        }
        const double n = static_cast<double>(selector.pool_.size());
        for (const auto& [term, df] : document_frequency) {
            selector.idf_[term] = std::log((n + 1.0) / (df + 1.0)) + 1.0;
        }
        for (std::size_t doc = 0; doc < counts.size(); ++doc) {
            for (const auto& [term, weight] : tfidf(counts[doc], selector.idf_)) {
                selector.index_[term].push_back(
                    {static_cast<std::uint32_t>(doc), static_cast<float>(weight)});
            }
        }
    }
    return selector;
}

std::vector<Example> ShotSelector::select(const Example& target) const {
    std::vector<Example> shots;
    const auto k = static_cast<std::size_t>(k_);
    if (k == 0 || pool_.empty()) return shots;
    if (selection_ == ShotSelection::kRandom) {
        for (std::size_t index : random_order_) {
            if (shots.size() == k) break;
            if (pool_[index].id == target.id) continue;
            shots.push_back(pool_[index]);
        }
        return shots;
    }
    std::vector<double> score(pool_.size(), 0.0);
    for (const auto& [term, weight] : tfidf(term_counts(target), idf_)) {
        const auto it = index_.find(term);
        if (it == index_.end()) continue;
        for (const auto& posting : it->second) score[posting.doc] += weight * posting.weight;
    }
    std::vector<std::size_t> order;
    order.reserve(pool_.size());
    for (std::size_t i = 0; i < pool_.size(); ++i) {
        if (pool_[i].id != target.id) order.push_back(i);
    }
    // Ties (e.g. no shared words) fall back to pool order, so the choice stays deterministic.
    const std::size_t take = std::min(k, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(take), order.end(),
                      [&](std::size_t a, std::size_t b) {
                          if (score[a] != score[b]) return score[a] > score[b];
                          return a < b;
                      });
    for (std::size_t i = 0; i < take; ++i) shots.push_back(pool_[order[i]]);
    return shots;
}

}  // namespace biomedq
