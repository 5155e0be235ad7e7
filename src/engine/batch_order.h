// The order of a batch's tokens, as llama.cpp's micro-batching wants it.
//
// With one KV stream per sequence (kv_unified off), llama.cpp cuts a batch into micro-batches
// that each hold the same number of tokens from a run of consecutive sequence ids, taken in the
// order the ids first appear in the batch. A batch laid out as "each generating slot's next token,
// then the prompt chunks" therefore breaks at every slot still reading its prompt: with k such
// slots the one-token-per-slot decode step becomes k + 1 micro-batches, each a full pass over the
// weights. In sequence order the decode step is one micro-batch, and each prompt's remaining
// tokens follow in one more.
#pragma once

#include <llama.h>

#include <vector>

namespace biomedq::engine {

// Reorders the batch's tokens by their (first) sequence id, keeping each sequence's tokens in
// their order. Returns, for each old index, the token's new index, so callers can move the
// indices they kept (where a token's logits will be).
std::vector<int> order_batch_by_sequence(llama_batch& batch);

}  // namespace biomedq::engine
