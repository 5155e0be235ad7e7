// Quantization fidelity: how far a quantized model's next-token distribution drifts from its
// full-precision source (KL divergence, top-1 agreement, perplexity ratio) on biomedical text, and
// importance matrices computed from the tasks' own train/dev text for `quantize --imatrix`.
//
// Both models read exactly the same token chunks: the text is tokenized once with the reference
// model's vocabulary and split into chunks of `ctx` tokens (BOS first when the model adds one).
// Every position of a chunk except the last predicts the next token of the chunk, and every such
// position is scored (llama.cpp's perplexity tool scores only the second half of each chunk;
// numbers are close but not identical to its output).
//
// Thread safety: functions here load models and use llama.cpp's process-wide log callback; call
// them from one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "biomedq/result.h"

namespace biomedq {

// How the reference distributions reach the comparison.
enum class FidelityMode {
    kAuto,       // in-process when both models fit the memory estimate, otherwise streamed
    kInProcess,  // both models loaded; full-precision logits of one chunk at a time
    kStreamed,   // reference run first into a reference file, then the quantized model alone
};
const char* fidelity_mode_name(FidelityMode mode);  // "auto", "in_process", "streamed"

struct FidelityOptions {
    std::filesystem::path ref_path;    // full-precision model (f16/bf16/f32 GGUF)
    std::filesystem::path model_path;  // the quantized model
    int ctx = 512;                     // tokens per chunk (BOS included)
    int max_tokens = 0;                // text tokens read at most; 0 = all
    int gpu_layers = -1;               // -1: all on the GPU when there is one; 0: CPU only
    int threads = 0;                   // 0: all hardware threads
    FidelityMode mode = FidelityMode::kAuto;
    // Streamed mode: where the reference file goes; empty = a temporary file removed afterwards.
    std::filesystem::path reference_file;
    bool verbose = false;  // llama.cpp's own log on stderr
    // Called on the calling thread after every chunk: the pass ("both models", "reference",
    // "quantized"), chunks done in it and its total. Big models take minutes per pass.
    std::function<void(const std::string& pass, std::size_t done, std::size_t total)> on_progress;
};

// A mean with its standard error. The standard error is cluster-robust over chunks (tokens of one
// chunk share context, so they are not independent): se^2 = C/(C-1) * sum_c (S_c - n_c*mean)^2 /
// N^2 for C chunks with sums S_c over n_c tokens, N tokens in all. With a single chunk it falls
// back to the i.i.d. per-token standard error.
struct MeanWithError {
    double mean = 0.0;
    double se = 0.0;
};

struct FidelityReport {
    std::string ref_path;
    std::string model_path;
    std::string mode;       // "in_process" or "streamed" (what actually ran)
    std::string se_method;  // "cluster_over_chunks" or "per_token" (one chunk)
    int ctx = 0;
    int n_vocab = 0;
    std::uint64_t n_chunks = 0;
    std::uint64_t n_tokens_scored = 0;  // positions compared

    // KL(P_ref || P_model) in nats per token, over the full vocabulary.
    MeanWithError kl;
    double kl_median = 0.0;
    double kl_p99 = 0.0;  // nearest-rank 99th percentile
    double kl_max = 0.0;

    MeanWithError top1_agreement;  // fraction in [0, 1] of positions whose argmax tokens agree

    // Perplexities: exp(mean negative log-likelihood of the actual next token); se by the delta
    // method. The ratio is exp(mean(nll_model - nll_ref)), paired per token (much tighter than the
    // two perplexities' own errors).
    MeanWithError ppl_ref;
    MeanWithError ppl_model;
    MeanWithError ppl_ratio;
    double mean_nll_ref = 0.0;
    double mean_nll_model = 0.0;

    double t_total_ms = 0.0;
    std::uint64_t bytes_reference_file = 0;  // streamed mode only
};

// Runs both models over `text` and compares them. Errors: kNotFound (a model file), kParse (not a
// GGUF), kInvalidArgument (ctx < 16, text shorter than two tokens), kConflict (the models have
// different vocabularies: size or tokenization of this text differ), kResource (a context could not
// be created), kBackend (llama_decode failed), kIo (reference file).
Result<FidelityReport> measure_fidelity(const FidelityOptions& options, const std::string& text);

// The bytes a streamed reference file takes for `n_positions` scored positions of a vocabulary of
// `n_vocab` tokens. Per position it stores the exact argmax token id (int32), the exact reference
// log-prob of the actual next token (float32), the maximum log-prob (float32) and every token's
// log-prob quantized to uint16 on [max - 24, max] (step 24/65535 = 3.7e-4 nats, error <= 1.8e-4
// nats per token; log-probs further than 24 nats below the max, i.e. p < 3.8e-11 * p_max, are
// clamped). Agreement and perplexities are therefore exact; KL differs from the in-process value by
// the effect of that rounding (tests/fidelity pin the difference at < 1e-5 nats mean).
std::uint64_t reference_file_bytes(std::uint64_t n_positions, int n_vocab);

// Whether both models (plus one chunk's logits) fit in the memory they would be loaded into: free
// GPU memory when gpu_layers != 0 and a GPU exists, else available host memory. Uses the metadata
// memory estimate; `reason` says which numbers decided.
struct FitDecision {
    bool both_fit = true;
    std::string reason;
};
Result<FitDecision> decide_both_fit(const FidelityOptions& options);

// ---- text ----

// The biomedical text of a task split: each example's text, question and options, one example per
// paragraph (blank line between examples), in file order. Errors: those of load_task_dir and
// load_task_split (unknown task: kNotFound with the known names).
Result<std::string> task_split_text(const std::string& task_name, const std::string& split,
                                    const std::filesystem::path& tasks_dir,
                                    const std::filesystem::path& data_dir);

// Calibration text for an importance matrix: the train and dev splits of each task (whichever are
// declared). A task with neither is kInvalidArgument (calibrating on test text would tune the
// quantization to the evaluation data).
struct CalibrationText {
    std::string text;
    std::vector<std::string> sources;  // "<task>/<split>" read, for the imatrix metadata
};
Result<CalibrationText> calibration_text(const std::vector<std::string>& task_names,
                                         const std::filesystem::path& tasks_dir,
                                         const std::filesystem::path& data_dir);

// ---- importance matrix ----

struct ImatrixOptions {
    std::filesystem::path model_path;  // normally the f16 source that will be quantized
    int ctx = 512;                     // tokens per chunk (BOS included)
    int max_chunks = 0;                // 0 = every full chunk of the text
    int gpu_layers = -1;
    int threads = 0;
    std::vector<std::string> datasets;  // recorded in the file's imatrix.datasets
    bool verbose = false;
    // Called on the calling thread after every chunk with the chunks done and the total.
    std::function<void(const std::string& pass, std::size_t done, std::size_t total)> on_progress;
};

struct ImatrixReport {
    std::filesystem::path path;
    std::uint64_t n_chunks = 0;
    std::uint64_t n_tokens = 0;
    std::uint64_t n_entries = 0;  // weight matrices with statistics
    double t_total_ms = 0.0;
};

// Evaluates the model over chunks of `text` and accumulates, for every matrix multiplication with a
// blk.* weight, the sum of squared input activations per input column and the number of rows seen.
// Writes them in llama.cpp's GGUF imatrix format (<name>.in_sum2 [n_cols, n_mat] and <name>.counts
// [1, n_mat], f32; general.type = "imatrix", imatrix.datasets / chunk_count / chunk_size), which
// common_imatrix_load and so quantize_model's QuantizeOptions::imatrix_path read. Only full chunks
// are used (like llama-imatrix). Writes via out.tmp + rename.
// Errors: as measure_fidelity; kInvalidArgument when the text holds no full chunk; kUnsupported for
// mixture-of-experts models (MUL_MAT_ID) and activations that are not f32.
Result<ImatrixReport> compute_imatrix(const ImatrixOptions& options, const std::string& text,
                                      const std::filesystem::path& out);

}  // namespace biomedq
