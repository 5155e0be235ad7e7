// The batch in sequence order (engine/batch_order.h): llama.cpp's per-stream micro-batching takes
// runs of consecutive sequence ids, so a decode step must not be broken by prompt chunks.
#include "engine/batch_order.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace biomedq::engine {
namespace {

struct BatchFree {
    void operator()(llama_batch* b) const {
        llama_batch_free(*b);
        delete b;
    }
};

std::unique_ptr<llama_batch, BatchFree> make_batch(int capacity) {
    return std::unique_ptr<llama_batch, BatchFree>(
        new llama_batch(llama_batch_init(capacity, 0, 1)));
}

void add(llama_batch& b, llama_token token, llama_pos pos, llama_seq_id seq, bool logits) {
    const int i = b.n_tokens++;
    b.token[i] = token;
    b.pos[i] = pos;
    b.n_seq_id[i] = 1;
    b.seq_id[i][0] = seq;
    b.logits[i] = logits ? 1 : 0;
}

TEST(BatchOrder, DecodeTokensAndPromptChunksEndInSequenceOrderEachSequenceInItsOwnOrder) {
    auto batch = make_batch(16);
    // Slots 0, 1 and 3 generate; slot 2 reads its prompt (positions 5..7); the prefix stream
    // (sequence 4) extends itself; slot 0's token wants logits, as does slot 2's last.
    add(*batch, 100, 9, 0, true);
    add(*batch, 101, 4, 1, true);
    add(*batch, 103, 6, 3, true);
    add(*batch, 400, 2, 4, false);
    add(*batch, 200, 5, 2, false);
    add(*batch, 201, 6, 2, false);
    add(*batch, 202, 7, 2, true);
    const std::vector<int> moved = order_batch_by_sequence(*batch);

    const std::vector<llama_token> tokens(batch->token, batch->token + batch->n_tokens);
    EXPECT_EQ(tokens, (std::vector<llama_token>{100, 101, 200, 201, 202, 103, 400}));
    const std::vector<llama_pos> pos(batch->pos, batch->pos + batch->n_tokens);
    EXPECT_EQ(pos, (std::vector<llama_pos>{9, 4, 5, 6, 7, 6, 2}));
    std::vector<llama_seq_id> seqs;
    std::vector<int> logits;
    for (int i = 0; i < batch->n_tokens; ++i) {
        seqs.push_back(batch->seq_id[i][0]);
        logits.push_back(batch->logits[i]);
    }
    EXPECT_EQ(seqs, (std::vector<llama_seq_id>{0, 1, 2, 2, 2, 3, 4}));
    EXPECT_EQ(logits, (std::vector<int>{1, 1, 0, 0, 1, 1, 0}));
    // Where each old index went: slot 3's token (old 2) is now 5, slot 2's last (old 6) is 4.
    EXPECT_EQ(moved, (std::vector<int>{0, 1, 5, 6, 2, 3, 4}));
    for (int old = 0; old < 7; ++old)
        EXPECT_EQ(tokens[moved[old]],
                  (std::vector<llama_token>{100, 101, 103, 400, 200, 201, 202})[old]);
}

TEST(BatchOrder, ABatchAlreadyInOrderIsLeftAsItIs) {
    auto batch = make_batch(4);
    add(*batch, 7, 0, 0, false);
    add(*batch, 8, 1, 0, true);
    add(*batch, 9, 0, 1, true);
    EXPECT_EQ(order_batch_by_sequence(*batch), (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(batch->token[2], 9);
    auto empty = make_batch(1);
    EXPECT_TRUE(order_batch_by_sequence(*empty).empty());
}

}  // namespace
}  // namespace biomedq::engine
