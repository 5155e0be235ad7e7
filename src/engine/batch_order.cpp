#include "engine/batch_order.h"

#include <algorithm>
#include <numeric>

namespace biomedq::engine {

std::vector<int> order_batch_by_sequence(llama_batch& batch) {
    const int n = batch.n_tokens;
    std::vector<int> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return batch.seq_id[a][0] < batch.seq_id[b][0]; });
    std::vector<int> new_index(order.size());
    bool moved = false;
    for (int i = 0; i < n; ++i) {
        new_index[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = i;
        moved = moved || order[static_cast<std::size_t>(i)] != i;
    }
    if (!moved) return new_index;

    // Copies first: a token's fields are read before any slot is overwritten.
    struct Entry {
        llama_token token;
        llama_pos pos;
        std::vector<llama_seq_id> seqs;
        int8_t logits;
    };
    std::vector<Entry> entries;
    entries.reserve(order.size());
    for (int i : order) {
        const llama_seq_id* seqs = batch.seq_id[i];
        entries.push_back(Entry{batch.token[i], batch.pos[i],
                                std::vector<llama_seq_id>(seqs, seqs + batch.n_seq_id[i]),
                                batch.logits[i]});
    }
    for (int i = 0; i < n; ++i) {
        const Entry& e = entries[static_cast<std::size_t>(i)];
        batch.token[i] = e.token;
        batch.pos[i] = e.pos;
        batch.n_seq_id[i] = static_cast<int32_t>(e.seqs.size());
        std::copy(e.seqs.begin(), e.seqs.end(), batch.seq_id[i]);
        batch.logits[i] = e.logits;
    }
    return new_index;
}

}  // namespace biomedq::engine
