// Model synthesis, quantization, GGUF metadata and the memory estimate.
//
// Everything here works on GGUF files through the pinned llama.cpp; callers never see llama.cpp
// types. All functions are thread-compatible (no shared mutable state) except where noted:
// quantize_model, and synthesize_model with a quantized type, temporarily redirect llama.cpp's
// global log callback.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biomedq/result.h"

namespace biomedq {

// ---------------------------------------------------------------------------------------------
// Shapes: the published dimensions of the models biomedq cares about, plus small test shapes.
// ---------------------------------------------------------------------------------------------

struct ModelShape {
    std::string id;              // lookup key, lower case: "llama-3.1-8b", "tiny"
    std::string display_name;    // "Llama-3.1-8B"
    std::string arch = "llama";  // llama.cpp architecture name: llama, qwen2, gemma2, phi3
    std::string base;            // what it was fine-tuned from, for the catalog table; may be empty
    // The published vocabulary size. Synthesizing with the shape's own vocab_file pads that file's
    // tokens up to it ("[PADi]", as llama.cpp's converter does; a larger file stays whole); another
    // vocab file keeps its own size.
    uint32_t n_vocab = 0;
    uint32_t n_layer = 0;
    uint32_t n_embd = 0;
    uint32_t n_ff = 0;
    uint32_t n_head = 0;
    uint32_t n_head_kv = 0;
    uint32_t head_dim = 0;  // 0 = n_embd / n_head
    uint32_t n_ctx_train = 0;
    float rope_theta = 10000.0f;
    float rms_eps = 1e-5f;
    uint32_t n_swa = 0;            // sliding window of the SWA layers (gemma2); 0 = none
    bool tied_embeddings = false;  // no output.weight: the LM head reuses token_embd
    std::string vocab_file;        // the llama.cpp vocab GGUF with the matching tokenizer family

    uint32_t head_dim_or_default() const { return head_dim ? head_dim : n_embd / n_head; }
    // The architectures synthesis writes: every one the catalog names.
    bool synthesizable() const {
        return arch == "llama" || arch == "qwen2" || arch == "gemma2" || arch == "phi3";
    }
};

// Every shape biomedq knows: test shapes ("tiny", "small") first, then the catalog. Never empty.
const std::vector<ModelShape>& model_catalog();

// Case-insensitive lookup by id or display name. Errors: kNotFound listing the known ids, with a
// "did you mean" suggestion when one is close.
Result<ModelShape> find_model_shape(std::string_view name);

// Number of weights (tensor elements) a model of this shape has, with `n_vocab` tokens.
uint64_t count_parameters(const ModelShape& shape, uint32_t n_vocab);

// ---------------------------------------------------------------------------------------------
// Synthesis: a GGUF with the real tokenizer of a vocab file and random weights.
// ---------------------------------------------------------------------------------------------

struct SynthOptions {
    ModelShape shape;
    std::filesystem::path
        vocab_path;  // a GGUF with tokenizer.* keys (llama.cpp's models/ggml-vocab-*)
    // f16, bf16 or f32 (2-D weights in that type, norms f32), or any quant_types() entry that needs
    // no importance matrix ("q4_k_m", "iq4_xs", ...): then each tensor gets the type llama.cpp's
    // llama-quantize would give it, asked from llama.cpp itself (see synthesize_model).
    std::string type = "f16";
    uint64_t seed = 42;
    int n_threads = 0;  // 0 = every CPU this process may use
    // Leave every tensor zero: the file is written sparse (a header and a hole: no disk blocks, no
    // time), with the same tensor types and sizes, so the same memory and the same arithmetic as a
    // random-weight model; but every token's logits are equal. For memory and speed measurements of
    // big shapes (a 70B model in seconds instead of minutes), never for scores or fidelity.
    bool zero_weights = false;
    // Called from the calling thread about every `progress_interval_s` while weights are written,
    // with the weights done so far and in all (a 70B model in a quantized type takes minutes).
    std::function<void(uint64_t done, uint64_t total)> on_progress;
    double progress_interval_s = 5.0;
};

struct SynthReport {
    std::filesystem::path path;
    uint64_t n_params = 0;
    uint32_t n_vocab = 0;
    uint64_t bytes_file = 0;
    double t_total_ms = 0;
};

// Writes `out` (via out.tmp + rename; no partial file is left on failure). Tensors are generated
// and written one chunk at a time by `n_threads` workers, so memory stays at a few MB per thread
// whatever the model size. Weights ~ N(0, 0.02), norm weights 1, biases 0; the result depends only
// on the seed and shape, not on the thread count. The tokenizer (all tokenizer.* keys) is copied
// from the vocab file; when it has no chat template one matching its tokenizer family is added.
// Quantized types: the same f32 values are quantized chunk by chunk with ggml, never through an F16
// copy. The per-tensor types come from llama_model_quantize in dry-run mode on a sparse F16 layout
// file (out.layout.tmp: a header and a hole, no disk blocks for the weights), removed before this
// returns; so the file has the tensor types and size llama-quantize gives the F16 synth model.
// That step takes over llama.cpp's global log callback (not thread-safe, like quantize_model).
// Errors: kNotFound/kParse for the vocab file, kUnsupported for a non-synthesizable architecture,
// an unknown type (with a "did you mean") or one needing an importance matrix, kInvalidArgument for
// bad dimensions, kBackend when llama.cpp's dry run fails, kInternal when its log cannot be read,
// kIo when writing fails.
Result<SynthReport> synthesize_model(const SynthOptions& options, const std::filesystem::path& out);

// For tests elsewhere: the "tiny" shape (llama arch, 2 layers, n_embd 256, tied embeddings,
// llama-bpe tokenizer, ~34M weights, 66 MB in f16). `llama_src_dir` is the pinned llama.cpp source
// (biomedq::test::llama_src_dir()); the vocab is models/ggml-vocab-llama-bpe.gguf inside it.
// Reuses `out` when it already exists and is a complete GGUF (cheap fixture sharing).
Status synthesize_tiny_model(const std::filesystem::path& llama_src_dir,
                             const std::filesystem::path& out);

// ---------------------------------------------------------------------------------------------
// Quantization types and quantization.
// ---------------------------------------------------------------------------------------------

struct QuantType {
    std::string name;            // lower case: "q4_k_m"
    int ftype = 0;               // llama_ftype value
    double bits_per_weight = 0;  // nominal bpw of the main tensor type (used by catalog estimates)
    bool needs_imatrix = false;  // llama.cpp refuses it without an importance matrix
};

// All types biomedq accepts, in llama-quantize's order (largest first).
const std::vector<QuantType>& quant_types();

// Case-insensitive. Errors: kUnsupported naming the known types and the closest match.
Result<QuantType> find_quant_type(std::string_view name);

// Parses "q8_0,q4_k_m". Errors as find_quant_type; an empty list is kInvalidArgument.
Result<std::vector<QuantType>> parse_quant_type_list(std::string_view comma_separated);

struct QuantizeOptions {
    std::optional<std::filesystem::path> imatrix_path;  // importance matrix (llama-imatrix output)
    int n_threads = 0;                                  // 0 = hardware concurrency
    // Called from the calling thread as llama.cpp finishes tensors (read from its per-tensor log
    // line), at most every `progress_interval_s` and once for the last tensor: weights done and in
    // all (elements), tensors done and in all, the tensor just started. An 8B model takes a minute.
    std::function<void(uint64_t n_weights_done, uint64_t n_weights, int n_tensors_done,
                       int n_tensors)>
        on_progress;
    double progress_interval_s = 5.0;
};

struct QuantizeReport {
    std::string type;  // "q4_k_m"
    std::filesystem::path path;
    uint64_t bytes_file = 0;
    uint64_t bytes_tensors = 0;
    uint64_t n_params = 0;
    double bits_per_weight = 0;  // 8 * bytes_tensors / n_params
    double t_quantize_ms = 0;
};

// Output name: <dir>/<stem of src>-<TYPE upper case>.gguf, e.g. tiny-Q4_K_M.gguf.
std::filesystem::path quantized_output_path(const std::filesystem::path& src,
                                            const std::filesystem::path& out_dir,
                                            const QuantType& type);

// Quantizes `src` into `out` (via out.tmp + rename). Checks before any work: src is a complete
// GGUF, the type has an imatrix when it needs one, the imatrix file loads. Errors: those of
// read_model_info, kInvalidArgument (imatrix missing), kBackend (llama.cpp failed), kIo naming the
// output file and the OS's reason when the write failed ("No space left on device"). The .tmp file
// is removed on every error, and on SIGINT/SIGTERM where the CLI installed
// install_remove_on_signal_handler.
Result<QuantizeReport> quantize_model(const std::filesystem::path& src, const QuantType& type,
                                      const std::filesystem::path& out,
                                      const QuantizeOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Model info: GGUF metadata only, no weights loaded.
// ---------------------------------------------------------------------------------------------

struct ModelInfo {
    std::filesystem::path path;
    std::string arch;
    std::string name;  // general.name, may be empty
    uint64_t bytes_file = 0;
    uint64_t bytes_tensors = 0;    // sum of tensor data sizes
    uint64_t n_params = 0;         // sum of tensor element counts
    double bits_per_weight = 0;    // 8 * bytes_tensors / n_params
    std::optional<int> file_type;  // general.file_type (llama_ftype), when present
    std::string
        file_type_name;  // "Q4_K - Medium" style from llama.cpp, or the dominant tensor type
    std::string dominant_tensor_type;  // the ggml type holding the most weights, e.g. "q4_K"
    std::map<std::string, uint64_t> n_params_by_type;  // ggml type name -> weights
    bool has_chat_template = false;
    uint32_t n_vocab = 0;
    uint32_t n_ctx_train = 0;
    uint32_t n_layer = 0;
    uint32_t n_embd = 0;
    uint32_t n_ff = 0;
    uint32_t n_head = 0;
    uint32_t n_head_kv = 0;
    uint32_t head_dim_k = 0;
    uint32_t head_dim_v = 0;
    // Tensor bytes by placement: per repeating layer (blk.N.*), and the rest.
    std::vector<uint64_t> bytes_layer;
    uint64_t bytes_token_embd = 0;
    uint64_t bytes_output = 0;     // output.weight + output_norm (0 for output.weight when tied)
    uint64_t bytes_other = 0;      // anything else outside the layers (rope_freqs, ...)
    bool tied_embeddings = false;  // no output.weight
};

// Reads `path` with gguf only. Errors (one line each, naming the file): kNotFound (missing),
// kParse (not GGUF: bad magic; truncated header; truncated tensor data: "expected N bytes, file has
// M"), kUnsupported (an architecture biomedq cannot estimate: not
// llama/qwen2/gemma2/phi3/mistral...).
Result<ModelInfo> read_model_info(const std::filesystem::path& path);

// Cheap pre-flight: exists, GGUF magic, header parses, data not truncated. Same errors as above.
Status check_gguf_file(const std::filesystem::path& path);

// A ModelInfo for a catalog shape quantized as `type`, without a file: each tensor in the type
// llama.cpp's quantization rules give it (Q4_K_M's Q6_K layers, ...), sized by ggml. bytes_file is
// the tensor data only (a real file adds its header: the tokenizer, a few MB). Where llama.cpp
// cannot describe the shape, nominal bits per weight (a few percent low for k-quant mixes).
ModelInfo model_info_for_shape(const ModelShape& shape, const QuantType& type);

// ---------------------------------------------------------------------------------------------
// Memory estimate.
// ---------------------------------------------------------------------------------------------

// What biomedq will ask llama.cpp for. `ctx_per_seq` is per sequence: biomedq creates contexts with
// n_ctx = ctx_per_seq * n_parallel and n_seq_max = n_parallel (llama.cpp's default non-unified KV),
// so each of the n_parallel sequences gets ctx_per_seq tokens. llama.cpp pads: n_ctx to a multiple
// of 256, then the per-sequence context to a multiple of 256.
struct MemoryRequest {
    uint32_t ctx_per_seq = 4096;
    uint32_t n_parallel = 1;
    // llama.cpp's n_gpu_layers: the last n of the n_layer + 1 "layers", where the output head
    // counts as the last (1 = head only, n_layer + 1 = everything but token_embd); negative = all.
    int n_gpu_layers = 0;
    uint32_t n_batch = 2048;
    uint32_t n_ubatch = 512;
    // One more KV stream of ctx_per_seq cells for prefix reuse (EngineOptions::prefix_reuse). The
    // simulation leaves it out where the engine would (sliding-window and recurrent models).
    bool prefix_stream = false;
    bool kv_unified = false;  // EngineOptions::kv_unified: same cells, larger attention graph
    uint32_t n_sequences() const { return n_parallel + (prefix_stream ? 1 : 0); }
    bool flash_attn = true;       // llama.cpp's "auto" turns it on wherever it is supported
    uint32_t n_outputs = 0;       // logits rows the caller will request at once; 0 = n_parallel
    std::string kv_type = "f16";  // KV cache element type (EngineOptions::kv_type); unknown = f16
};

struct MemoryEstimate {
    uint32_t n_ctx_total = 0;  // what llama.cpp will allocate KV cells for (after padding)
    uint32_t n_ctx_seq = 0;    // per sequence (after padding)
    uint64_t bytes_weights_gpu = 0;
    uint64_t bytes_weights_host = 0;
    uint64_t bytes_kv = 0;            // n_layer * n_ctx_total * (n_embd_k_gqa + n_embd_v_gqa) * 2
    uint64_t bytes_kv_gpu = 0;        // part of bytes_kv on offloaded layers
    uint64_t bytes_compute = 0;       // GPU compute buffer (0 when nothing is offloaded)
    uint64_t bytes_compute_host = 0;  // CPU compute buffer (all of it when nothing is offloaded)
    uint64_t bytes_output = 0;        // logits buffer: n_vocab * n_outputs * 4 (host)

    uint64_t bytes_total() const {
        return bytes_weights_gpu + bytes_weights_host + bytes_kv + bytes_compute +
               bytes_compute_host + bytes_output;
    }
    // What must fit in VRAM: offloaded weights + their KV + the GPU compute buffer.
    uint64_t bytes_gpu() const;
};

// Pure arithmetic on metadata, for where llama.cpp cannot simulate (catalog shapes without a file;
// a file llama.cpp cannot read): `info` and `--parallel auto` ask llama.cpp
// (biomedq/memory_simulation.h). Within 3% of llama.cpp's simulated total on the CPU for
// llama-style shapes (tests/quant/memory_formula_test.cpp); it knows nothing of extra buffer types
// or device runtimes.
MemoryEstimate estimate_memory(const ModelInfo& model, const MemoryRequest& request);

}  // namespace biomedq
