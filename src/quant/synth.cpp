// Synthesis writes the GGUF directly with gguf.h instead of llama_model_init_from_user +
// llama_model_save_to_file: those allocate every tensor in memory first (16 GB for an 8B f16 model,
// plus the saver's copy), while this writes the metadata once and then fills the tensor data region
// chunk by chunk from worker threads with pwrite, so memory stays at about 2 MB per thread.
// Quantized types are written the same way, each chunk converted with ggml_quantize_chunk, so a
// 70B model goes straight to its ~35 GB IQ4_XS/Q3_K_M file without a 141 GB F16 copy; which type
// each tensor gets is llama.cpp's own choice (quant/quant_mixture.h).
#include <ggml.h>
#include <gguf.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "biomedq/quant.h"
#include "core/cpu_threads.h"
#include "quant/quant_mixture.h"
#include "quant/random_weights.h"
#include "quant/synth_gguf.h"
#include "quant/temp_file.h"

namespace biomedq {

namespace fs = std::filesystem;

namespace {

constexpr float kWeightStddev = 0.02f;
// A chunk's values are one RNG stream seeded by (seed, tensor, first element), so this constant
// fixes the weights of every synthesized model: changing it changes every file.
constexpr int64_t kChunkElements = int64_t{1} << 22;
// Rows are generated and converted this many weights at a time (1 MB of f32), continuing the
// chunk's RNG stream, so a thread holds about 2 MB whatever the chunk size.
constexpr int64_t kSliceElements = int64_t{1} << 18;

// f16/bf16/f32 are written as-is; anything else is a llama.cpp quantization type, laid out first
// with F16 weights because that is the file llama-quantize would start from.
struct WeightFormat {
    ggml_type weight_type = GGML_TYPE_F16;
    std::optional<QuantType> quant;
};

Result<WeightFormat> resolve_format(const std::string& name) {
    if (name == "f16") return WeightFormat{GGML_TYPE_F16, std::nullopt};
    if (name == "bf16") return WeightFormat{GGML_TYPE_BF16, std::nullopt};
    if (name == "f32") return WeightFormat{GGML_TYPE_F32, std::nullopt};
    BIOMEDQ_ASSIGN(QuantType type, find_quant_type(name));
    if (type.name == "f16" || type.name == "bf16" || type.name == "f32") {
        return resolve_format(type.name);  // "F16" etc.
    }
    BIOMEDQ_TRY(check_no_imatrix_needed(type));
    return WeightFormat{GGML_TYPE_F16, type};
}

uint32_t file_type_for(ggml_type type) {
    switch (type) {
        case GGML_TYPE_F16:
            return 1;  // LLAMA_FTYPE_MOSTLY_F16
        case GGML_TYPE_BF16:
            return 32;  // LLAMA_FTYPE_MOSTLY_BF16
        default:
            return 0;  // LLAMA_FTYPE_ALL_F32
    }
}

// Gives every tensor the type llama.cpp chose for `quant`, after checking each row holds whole
// quantization blocks (ggml_quantize_chunk works on whole rows).
Status apply_mixture(SynthGguf& gguf, const ModelShape& shape, const QuantType& quant,
                     const std::map<std::string, ggml_type>& types) {
    for (const TensorPlan& t : gguf.plan) {
        const ggml_type type = types.at(t.name);
        const int64_t block = ggml_blck_size(type);
        if (t.ne0 % block != 0) {
            // llama.cpp falls back to a smaller block for odd widths, so this means its rules
            // changed.
            return make_error(ErrorCode::kInvalidArgument,
                              "shape \"" + shape.id + "\", type " + quant.name + ": tensor " +
                                  t.name + " has rows of " + std::to_string(t.ne0) +
                                  " weights, not a multiple "
                                  "of the " +
                                  std::to_string(block) + "-weight blocks of " +
                                  ggml_type_name(type));
        }
        gguf_set_tensor_type(gguf.meta.get(), t.name.c_str(), type);
    }
    gguf_set_val_u32(gguf.meta.get(), "general.file_type", static_cast<uint32_t>(quant.ftype));
    // llama-quantize stamps this too; loaders use it to reject files of an older block format.
    gguf_set_val_u32(gguf.meta.get(), "general.quantization_version", GGML_QNT_VERSION);
    return Status::success();
}

struct Chunk {
    std::size_t tensor = 0;
    int64_t first_row = 0;
    int64_t n_rows = 0;
};

std::vector<Chunk> plan_chunks(const std::vector<TensorPlan>& plan) {
    std::vector<Chunk> chunks;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        // Whole rows, so each chunk starts on an element and quantization-block boundary.
        const int64_t rows_per_chunk = std::max<int64_t>(1, kChunkElements / plan[i].ne0);
        for (int64_t row = 0; row < plan[i].ne1; row += rows_per_chunk) {
            chunks.push_back(Chunk{i, row, std::min(rows_per_chunk, plan[i].ne1 - row)});
        }
    }
    return chunks;
}

// Per-thread scratch, reused across chunks.
struct Scratch {
    std::vector<float> values;
    std::vector<char> bytes;
};

// Converts `n_rows` rows of f32 values to `type`; returns the bytes to write.
const void* encode_rows(ggml_type type, int64_t n_rows, int64_t ne0, Scratch& s) {
    const int64_t n = n_rows * ne0;
    switch (type) {
        case GGML_TYPE_F32:
            return s.values.data();
        case GGML_TYPE_F16:
            s.bytes.resize(static_cast<std::size_t>(n) * sizeof(ggml_fp16_t));
            ggml_fp32_to_fp16_row(s.values.data(), reinterpret_cast<ggml_fp16_t*>(s.bytes.data()),
                                  n);
            return s.bytes.data();
        case GGML_TYPE_BF16:
            s.bytes.resize(static_cast<std::size_t>(n) * sizeof(ggml_bf16_t));
            ggml_fp32_to_bf16_row(s.values.data(), reinterpret_cast<ggml_bf16_t*>(s.bytes.data()),
                                  n);
            return s.bytes.data();
        default:
            s.bytes.resize(static_cast<std::size_t>(n_rows) * ggml_row_size(type, ne0));
            ggml_quantize_chunk(type, s.values.data(), s.bytes.data(), 0, n_rows, ne0, nullptr);
            return s.bytes.data();
    }
}

Status fill_chunk(const TensorPlan& plan, ggml_type type, const Chunk& chunk, uint64_t seed,
                  uint64_t offset_tensor, const TempFile& out, Scratch& s) {
    const int64_t ne0 = plan.ne0;
    const std::size_t bytes_row = ggml_row_size(type, ne0);
    FastRng rng(mix_seed(seed, chunk.tensor, static_cast<uint64_t>(chunk.first_row * ne0)));
    // Box-Muller makes values in pairs: slices of an even length continue the stream exactly as one
    // call over the whole chunk would. An odd row length (never a real shape) gets one slice.
    const int64_t rows_per_slice =
        ne0 % 2 == 0 ? std::max<int64_t>(1, kSliceElements / ne0) : chunk.n_rows;
    for (int64_t row = 0; row < chunk.n_rows; row += rows_per_slice) {
        const int64_t n_rows = std::min(rows_per_slice, chunk.n_rows - row);
        s.values.resize(static_cast<std::size_t>(n_rows * ne0));
        switch (plan.fill) {
            case TensorFill::kOnes:
                std::fill(s.values.begin(), s.values.end(), 1.0f);
                break;
            case TensorFill::kZeros:
                std::fill(s.values.begin(), s.values.end(), 0.0f);
                break;
            case TensorFill::kNormal:
                fill_normal(rng, kWeightStddev, s.values);
                break;
        }
        const void* bytes = encode_rows(type, n_rows, ne0, s);
        const uint64_t first_row = static_cast<uint64_t>(chunk.first_row + row);
        BIOMEDQ_TRY(out.write_at(bytes, static_cast<std::size_t>(n_rows) * bytes_row,
                                 offset_tensor + first_row * bytes_row));
    }
    return Status::success();
}

// Fills every tensor of `gguf` into `file` from `n_threads` workers; the first error stops them
// all.
Status write_tensors(const SynthGguf& gguf, const SynthOptions& options, unsigned n_threads,
                     const TempFile& file) {
    const uint64_t seed = options.seed;
    const gguf_context* meta = gguf.meta.get();
    const uint64_t bytes_meta = gguf_get_meta_size(meta);
    std::vector<ggml_type> types;
    std::set<ggml_type> distinct;
    for (int64_t i = 0; i < gguf_get_n_tensors(meta); ++i) {
        types.push_back(gguf_get_tensor_type(meta, i));
        distinct.insert(types.back());
    }
    // IQ types build lookup grids on first use; do it once here rather than racing in the workers.
    for (ggml_type type : distinct) ggml_quantize_init(type);

    const std::vector<Chunk> chunks = plan_chunks(gguf.plan);
    uint64_t total = 0;
    const auto weights_in = [&](const Chunk& chunk) {
        return static_cast<uint64_t>(chunk.n_rows * gguf.plan[chunk.tensor].ne0);
    };
    for (const Chunk& chunk : chunks) total += weights_in(chunk);
    std::atomic<std::size_t> next{0};
    std::atomic<uint64_t> done{0};
    std::atomic<unsigned> running{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    Error first_error;
    auto worker = [&] {
        Scratch scratch;
        for (std::size_t c = next++; c < chunks.size() && !failed; c = next++) {
            const Chunk& chunk = chunks[c];
            const auto index = static_cast<int64_t>(chunk.tensor);
            const uint64_t offset = bytes_meta + gguf_get_tensor_offset(meta, index);
            Status s = fill_chunk(gguf.plan[chunk.tensor], types[chunk.tensor], chunk, seed, offset,
                                  file, scratch);
            if (!s.ok()) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!failed.exchange(true)) first_error = s.error();
            }
            done += weights_in(chunk);
        }
        --running;
    };
    // Every worker on its own thread; the calling thread only reports progress.
    const auto n_workers = static_cast<unsigned>(
        std::max<std::size_t>(1, std::min<std::size_t>(n_threads, chunks.size())));
    running = n_workers;
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < n_workers; ++t) threads.emplace_back(worker);
    auto last_report = std::chrono::steady_clock::now();
    while (running > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto now = std::chrono::steady_clock::now();
        if (options.on_progress && std::chrono::duration<double>(now - last_report).count() >=
                                       options.progress_interval_s) {
            options.on_progress(done.load(), total);
            last_report = now;
        }
    }
    for (auto& t : threads) t.join();
    if (failed) return first_error;
    return Status::success();
}

}  // namespace

Result<SynthReport> synthesize_model(const SynthOptions& options, const fs::path& out) {
    const auto t_start = std::chrono::steady_clock::now();
    BIOMEDQ_ASSIGN(const WeightFormat format, resolve_format(options.type));
    BIOMEDQ_ASSIGN(SynthGguf gguf,
                   make_synth_gguf(options, format.weight_type, file_type_for(format.weight_type)));
    if (options.zero_weights) {
        // Said in the file, so a zero-weight model is never mistaken for one worth scoring.
        gguf_set_val_str(gguf.meta.get(), "general.name",
                         ("biomedq-synth-" + options.shape.id + "-zero-weights").c_str());
    }
    std::error_code ec;
    if (out.has_parent_path() && !fs::exists(out.parent_path(), ec)) {
        return make_error(ErrorCode::kNotFound, out.string() + ": output directory " +
                                                    out.parent_path().string() + " does not exist");
    }
    if (format.quant) {
        // Asked while the tensor infos are still F16: that is the file llama-quantize would read.
        BIOMEDQ_ASSIGN(const auto types, llama_quant_mixture(gguf.meta.get(), *format.quant, out));
        BIOMEDQ_TRY(apply_mixture(gguf, options.shape, *format.quant, types));
    }

    const std::vector<char> header = gguf_meta_bytes(gguf.meta.get());
    const uint64_t bytes_file = gguf_bytes_file(gguf.meta.get());
    TempFile file(out.string() + ".tmp");
    BIOMEDQ_TRY(file.open());
    BIOMEDQ_TRY(file.write_at(header.data(), header.size(), 0));
    // Padding between tensors is never written: sparse zeros, which is what gguf writes too.
    BIOMEDQ_TRY(file.resize(bytes_file));
    const unsigned n_threads =
        static_cast<unsigned>(options.n_threads > 0 ? options.n_threads : default_thread_count());
    // Zero weights: the holes stay holes (every value reads as 0.0 in every type).
    if (!options.zero_weights) BIOMEDQ_TRY(write_tensors(gguf, options, n_threads, file));
    BIOMEDQ_TRY(file.commit_as(out));

    SynthReport report;
    report.path = out;
    for (const auto& t : gguf.plan) report.n_params += static_cast<uint64_t>(t.ne0 * t.ne1);
    report.n_vocab = gguf.n_vocab;
    report.bytes_file = fs::file_size(out, ec);
    if (report.bytes_file != bytes_file) {
        return make_error(ErrorCode::kInternal,
                          out.string() + ": wrote " + std::to_string(report.bytes_file) +
                              " bytes, expected " + std::to_string(bytes_file));
    }
    report.t_total_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start)
            .count();
    return report;
}

Status synthesize_tiny_model(const fs::path& llama_src_dir, const fs::path& out) {
    BIOMEDQ_ASSIGN(ModelShape shape, find_model_shape("tiny"));
    SynthOptions options;
    options.shape = shape;
    options.vocab_path = llama_src_dir / "models" / shape.vocab_file;
    options.type = "f16";
    std::error_code ec;
    if (fs::exists(out, ec)) {
        // Shared fixture: a complete file from an earlier call (same shape, same seed) is reused.
        if (check_gguf_file(out).ok()) return Status::success();
    }
    auto report = synthesize_model(options, out);
    if (!report.ok()) return report.error();
    return Status::success();
}

}  // namespace biomedq
