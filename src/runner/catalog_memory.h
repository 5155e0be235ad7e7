// A catalog shape's memory from llama.cpp (issue 15 item 3), for `recommend --catalog`.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "biomedq/memory_simulation.h"
#include "biomedq/quant.h"
#include "biomedq/result.h"

namespace biomedq::runner {

// A catalog shape's memory from llama.cpp (issue 15 item 3): a zero-weight sparse F16 GGUF of the
// exact published shape is synthesized (seconds; a header and a hole on disk), simulated at
// `request` and deleted, and the answer (offloaded_view, with the shape's token_embd on the host)
// is cached in <cache>/catalog-<pinned llama.cpp tag>/ under the shape, request and this host's
// device kind. The weights are F16's; what depends on the shape and request (KV cache, compute
// buffer, padding) is llama.cpp's own, and a caller adds any type's weights from llama.cpp's
// quantization rules (model_info_for_shape). Lives in the runner: it needs both synth (quant) and
// the simulation (engine). Errors: kNotFound for a missing vocab file (`vocab_dir`: llama.cpp's
// models/), those of synthesize_model (kUnsupported for an architecture synth cannot write) and
// simulate_memory.
struct CatalogSimulation {
    MemoryEstimate f16;             // the F16 file's buffers in the GPU-budget layout
    bool device_simulated = false;  // a GPU of this host held them
    bool cached = false;            // read from the cache, not simulated now
    std::filesystem::path cache_file;
};
Result<CatalogSimulation> simulate_catalog_shape(const ModelShape& shape,
                                                 const MemoryRequest& request,
                                                 const std::filesystem::path& vocab_dir);

// An estimate's figures as JSON (the catalog cache and `info --json` write the same keys).
nlohmann::json to_json(const MemoryEstimate& estimate);

}  // namespace biomedq::runner
