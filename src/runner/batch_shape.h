// The batch shape a run started with: how many sequences llama.cpp decodes together (--parallel,
// with `auto` resolved), its batch sizes and the CPU thread count. Which sequences share a
// llama_decode call changes the CPU kernels a row goes through (ggml's matrix product takes another
// path for one row than for several; flash attention another for one query, splitting the cache
// over the threads), and so the last bits of its logits, which can flip a near-tied greedy choice
// (README "Greedy determinism"). config.json therefore records the shape before the first example
// runs, and a resume uses it: `--parallel auto` and `--threads 0` reuse the recorded values instead
// of choosing anew; an explicit different value is obeyed with a warning, and results.json names
// each session's shape. Server runs (--endpoint) record none: the servers batch.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "biomedq/result.h"

namespace biomedq::runner {

struct BatchShape {
    int parallel = 0;  // sequences decoded together (llama.cpp n_seq_max)
    int n_batch = 0;   // tokens per llama_decode call asked for (llama.cpp caps it at the context)
    int n_ubatch = 0;  // physical micro-batch
    int threads = 0;   // llama.cpp CPU threads
    // Shared prefixes decoded once: changes which tokens share a llama_decode call too. Absent
    // from records of versions before prefix reuse, which did not reuse.
    bool prefix_reuse = false;
    bool kv_unified = false;  // one KV buffer for all sequences; absent from older records: false

    bool operator==(const BatchShape&) const = default;
};

nlohmann::json batch_shape_to_json(const BatchShape& shape);

// The batch shape recorded in <run_dir>/config.json; nullopt when none is (the directory is new, no
// example has run yet, or the run predates the record). Errors: kParse naming config.json and the
// field when the record is malformed; kIo.
Result<std::optional<BatchShape>> read_batch_shape(const std::filesystem::path& run_dir);

// Adds the shape to <run_dir>/config.json (rewritten atomically; identity and hash unchanged).
// Errors: kNotFound / kParse for a missing or unreadable config.json, kIo.
Status record_batch_shape(const std::filesystem::path& run_dir, const BatchShape& shape);

struct BatchShapeDecision {
    BatchShape shape;
    std::string warning;  // non-empty when this invocation departs from the recorded shape
};

// `fresh` is the shape this invocation would use on its own (--parallel and --threads resolved;
// with `threads_flag` 0 its threads are the CPUs available). Without a record it is used. With one,
// `--parallel auto` reuses the recorded parallel and any other number is used with a warning;
// `--threads 0` reuses the recorded threads unless fewer CPUs are available now (then those, with a
// warning: oversubscribed llama.cpp threads run many times slower), and a different explicit number
// is used with a warning. The batch sizes and prefix reuse are always the recorded ones (a warning
// says so when this invocation asked for another prefix reuse).
BatchShapeDecision decide_batch_shape(const std::string& parallel_flag, int threads_flag,
                                      const BatchShape& fresh,
                                      const std::optional<BatchShape>& recorded);

}  // namespace biomedq::runner
