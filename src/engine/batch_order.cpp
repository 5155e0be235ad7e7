#include "engine/batch_order.h"

#include <algorithm>
#include <numeric>

namespace biomedq::engine {
namespace {

// Rearranges the first n entries of `field` so that entry i is the old entry order[i].
template <typename T>
void permute(T* field, const std::vector<int>& order, std::vector<T>& scratch) {
    scratch.assign(field, field + order.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        field[i] = scratch[static_cast<std::size_t>(order[i])];
}

}  // namespace

std::vector<int> order_batch_by_sequence(llama_batch& batch) {
    const auto n = static_cast<std::size_t>(batch.n_tokens);
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return batch.seq_id[a][0] < batch.seq_id[b][0]; });
    std::vector<int> new_index(n);
    for (std::size_t i = 0; i < n; ++i) new_index[static_cast<std::size_t>(order[i])] = int(i);
    if (std::is_sorted(new_index.begin(), new_index.end())) return new_index;  // already in order

    // Each token's sequence ids live in an array of their own (llama_batch_init), so moving the
    // pointers moves them; llama_batch_free frees the same set of arrays.
    std::vector<llama_token> tokens;
    permute(batch.token, order, tokens);
    std::vector<llama_pos> positions;
    permute(batch.pos, order, positions);
    std::vector<int32_t> counts;
    permute(batch.n_seq_id, order, counts);
    std::vector<llama_seq_id*> seq_ids;
    permute(batch.seq_id, order, seq_ids);
    std::vector<int8_t> logits;
    permute(batch.logits, order, logits);
    return new_index;
}

}  // namespace biomedq::engine
