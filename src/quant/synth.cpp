// Synthesis writes the GGUF directly with gguf.h instead of llama_model_init_from_user +
// llama_model_save_to_file: those allocate every tensor in memory first (16 GB for an 8B f16 model,
// plus the saver's copy), while this writes the metadata once and then fills the tensor data region
// chunk by chunk from worker threads with pwrite, so memory stays at one chunk per thread.
// The tensor list for llama/qwen2 is the one llama.cpp's loader expects (checked by the tests, which
// load the result with llama.cpp).
#include <fcntl.h>
#include <ggml.h>
#include <gguf.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "biomedq/quant.h"
#include "core/cpu_threads.h"
#include "quant/chat_templates.h"
#include "quant/gguf_reader.h"
#include "quant/random_weights.h"

namespace biomedq {

namespace fs = std::filesystem;

namespace {

constexpr float kWeightStddev = 0.02f;
constexpr int64_t kChunkElements = int64_t{1} << 22;  // 4M weights: 8 MB of f16 per write

enum class TensorFill { kNormal, kOnes, kZeros };

struct TensorPlan {
    std::string name;
    int64_t ne0 = 0;
    int64_t ne1 = 1;
    bool is_matrix = false;
    TensorFill fill = TensorFill::kNormal;
};

std::vector<TensorPlan> plan_tensors(const ModelShape& shape, uint32_t n_vocab) {
    const int64_t embd = shape.n_embd;
    const int64_t q_dim = int64_t{shape.n_head} * shape.head_dim_or_default();
    const int64_t kv_dim = int64_t{shape.n_head_kv} * shape.head_dim_or_default();
    const int64_t ff = shape.n_ff;
    auto matrix = [](std::string name, int64_t ne0, int64_t ne1) {
        return TensorPlan{std::move(name), ne0, ne1, true, TensorFill::kNormal};
    };
    auto vector = [](std::string name, int64_t ne0, TensorFill fill) {
        return TensorPlan{std::move(name), ne0, 1, false, fill};
    };
    std::vector<TensorPlan> plan;
    plan.push_back(matrix("token_embd.weight", embd, n_vocab));
    plan.push_back(vector("output_norm.weight", embd, TensorFill::kOnes));
    if (!shape.tied_embeddings) plan.push_back(matrix("output.weight", embd, n_vocab));
    for (uint32_t il = 0; il < shape.n_layer; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        plan.push_back(vector(p + "attn_norm.weight", embd, TensorFill::kOnes));
        plan.push_back(matrix(p + "attn_q.weight", embd, q_dim));
        plan.push_back(matrix(p + "attn_k.weight", embd, kv_dim));
        plan.push_back(matrix(p + "attn_v.weight", embd, kv_dim));
        if (shape.arch == "qwen2") {
            plan.push_back(vector(p + "attn_q.bias", q_dim, TensorFill::kZeros));
            plan.push_back(vector(p + "attn_k.bias", kv_dim, TensorFill::kZeros));
            plan.push_back(vector(p + "attn_v.bias", kv_dim, TensorFill::kZeros));
        }
        plan.push_back(matrix(p + "attn_output.weight", q_dim, embd));
        plan.push_back(vector(p + "ffn_norm.weight", embd, TensorFill::kOnes));
        plan.push_back(matrix(p + "ffn_gate.weight", embd, ff));
        plan.push_back(matrix(p + "ffn_up.weight", embd, ff));
        plan.push_back(matrix(p + "ffn_down.weight", ff, embd));
    }
    return plan;
}

Status validate_shape(const ModelShape& shape) {
    auto bad = [&](const std::string& what) {
        return make_error(ErrorCode::kInvalidArgument, "shape \"" + shape.id + "\": " + what);
    };
    if (!shape.synthesizable()) {
        return make_error(ErrorCode::kUnsupported,
                          "shape \"" + shape.id + "\": architecture \"" + shape.arch +
                              "\" cannot be synthesized (supported: llama, qwen2)");
    }
    if (shape.n_layer == 0 || shape.n_embd == 0 || shape.n_ff == 0 || shape.n_head == 0 ||
        shape.n_head_kv == 0) {
        return bad("n_layer, n_embd, n_ff, n_head and n_head_kv must all be > 0");
    }
    if (shape.head_dim == 0 && shape.n_embd % shape.n_head != 0) {
        return bad("n_embd (" + std::to_string(shape.n_embd) + ") must be a multiple of n_head (" +
                   std::to_string(shape.n_head) + ")");
    }
    if (shape.n_head % shape.n_head_kv != 0) {
        return bad("n_head (" + std::to_string(shape.n_head) + ") must be a multiple of n_head_kv (" +
                   std::to_string(shape.n_head_kv) + ")");
    }
    return Status::success();
}

Result<ggml_type> weight_type_from_name(const std::string& type) {
    if (type == "f16") return GGML_TYPE_F16;
    if (type == "bf16") return GGML_TYPE_BF16;
    if (type == "f32") return GGML_TYPE_F32;
    return make_error(ErrorCode::kInvalidArgument,
                      "--type \"" + type + "\": expected one of f16, bf16, f32 (use `biomedq "
                      "quantize` for quantized types)");
}

int file_type_for(ggml_type type) {
    switch (type) {
        case GGML_TYPE_F16: return 1;    // LLAMA_FTYPE_MOSTLY_F16
        case GGML_TYPE_BF16: return 32;  // LLAMA_FTYPE_MOSTLY_BF16
        default: return 0;               // LLAMA_FTYPE_ALL_F32
    }
}

// Keeps only tokenizer.* keys of the vocab file and copies them into `out`.
Result<uint32_t> copy_tokenizer(const fs::path& vocab_path, gguf_context* out) {
    BIOMEDQ_ASSIGN(GgufPtr vocab, open_gguf_metadata(vocab_path));
    const int64_t tokens_id = gguf_find_key(vocab.get(), "tokenizer.ggml.tokens");
    if (tokens_id < 0 || gguf_get_kv_type(vocab.get(), tokens_id) != GGUF_TYPE_ARRAY) {
        return make_error(ErrorCode::kParse, vocab_path.string() +
                                                 ": key \"tokenizer.ggml.tokens\" missing: not a "
                                                 "vocab GGUF (expected llama.cpp models/ggml-vocab-*.gguf)");
    }
    const auto n_vocab = static_cast<uint32_t>(gguf_get_arr_n(vocab.get(), tokens_id));
    std::vector<std::string> drop;
    for (int64_t i = 0; i < gguf_get_n_kv(vocab.get()); ++i) {
        const std::string key = gguf_get_key(vocab.get(), i);
        if (key.rfind("tokenizer.", 0) != 0) drop.push_back(key);
    }
    for (const auto& key : drop) gguf_remove_key(vocab.get(), key.c_str());
    gguf_set_kv(out, vocab.get());
    if (gguf_find_key(out, "tokenizer.chat_template") < 0) {
        const std::string tmpl =
            chat_template_for_tokenizer(gguf_string_or(out, "tokenizer.ggml.model", ""),
                                        gguf_string_or(out, "tokenizer.ggml.pre", ""));
        gguf_set_val_str(out, "tokenizer.chat_template", tmpl.c_str());
    }
    return n_vocab;
}

void set_hparams(gguf_context* ctx, const ModelShape& shape, uint32_t n_vocab, ggml_type type) {
    const std::string a = shape.arch + ".";
    gguf_set_val_str(ctx, "general.architecture", shape.arch.c_str());
    gguf_set_val_str(ctx, "general.name", ("biomedq-synth-" + shape.id).c_str());
    gguf_set_val_u32(ctx, "general.file_type", static_cast<uint32_t>(file_type_for(type)));
    gguf_set_val_u32(ctx, (a + "vocab_size").c_str(), n_vocab);
    gguf_set_val_u32(ctx, (a + "context_length").c_str(), shape.n_ctx_train);
    gguf_set_val_u32(ctx, (a + "embedding_length").c_str(), shape.n_embd);
    gguf_set_val_u32(ctx, (a + "block_count").c_str(), shape.n_layer);
    gguf_set_val_u32(ctx, (a + "feed_forward_length").c_str(), shape.n_ff);
    gguf_set_val_u32(ctx, (a + "attention.head_count").c_str(), shape.n_head);
    gguf_set_val_u32(ctx, (a + "attention.head_count_kv").c_str(), shape.n_head_kv);
    gguf_set_val_u32(ctx, (a + "rope.dimension_count").c_str(), shape.head_dim_or_default());
    if (shape.head_dim != 0) {
        gguf_set_val_u32(ctx, (a + "attention.key_length").c_str(), shape.head_dim);
        gguf_set_val_u32(ctx, (a + "attention.value_length").c_str(), shape.head_dim);
    }
    gguf_set_val_f32(ctx, (a + "rope.freq_base").c_str(), shape.rope_theta);
    gguf_set_val_f32(ctx, (a + "attention.layer_norm_rms_epsilon").c_str(), shape.rms_eps);
}

struct GgmlFree {
    void operator()(ggml_context* ctx) const { ggml_free(ctx); }
};

struct Chunk {
    std::size_t tensor = 0;
    int64_t first = 0;  // element index
    int64_t count = 0;
};

// Owns the temporary output file: removed unless committed.
class TempOutput {
public:
    TempOutput(fs::path final_path) : final_(std::move(final_path)), tmp_(final_.string() + ".tmp") {}
    ~TempOutput() {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) {
            std::error_code ec;
            fs::remove(tmp_, ec);
        }
    }
    TempOutput(const TempOutput&) = delete;
    TempOutput& operator=(const TempOutput&) = delete;

    Status open() {
        fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd_ < 0) return io_error("cannot create", errno);
        return Status::success();
    }
    Status write_at(const void* data, std::size_t size, uint64_t offset) const {
        const char* p = static_cast<const char*>(data);
        while (size > 0) {
            const ssize_t n = ::pwrite(fd_, p, size, static_cast<off_t>(offset));
            if (n < 0) {
                if (errno == EINTR) continue;
                return io_error("write failed", errno);
            }
            p += n;
            size -= static_cast<std::size_t>(n);
            offset += static_cast<uint64_t>(n);
        }
        return Status::success();
    }
    Status commit() {
        if (::fsync(fd_) != 0) return io_error("fsync failed", errno);
        if (::close(fd_) != 0) {
            fd_ = -1;
            return io_error("close failed", errno);
        }
        fd_ = -1;
        std::error_code ec;
        fs::rename(tmp_, final_, ec);
        if (ec) return make_error(ErrorCode::kIo, final_.string() + ": rename failed: " + ec.message());
        committed_ = true;
        return Status::success();
    }

private:
    Error io_error(const std::string& what, int err) const {
        return make_error(ErrorCode::kIo, tmp_.string() + ": " + what + ": " + std::strerror(err));
    }
    fs::path final_;
    fs::path tmp_;
    int fd_ = -1;
    bool committed_ = false;
};

Status fill_chunk(const TensorPlan& plan, ggml_type type, const Chunk& chunk, uint64_t seed,
                  uint64_t offset, const TempOutput& out, std::vector<float>& values,
                  std::vector<char>& bytes) {
    values.resize(static_cast<std::size_t>(chunk.count));
    switch (plan.fill) {
        case TensorFill::kOnes: std::fill(values.begin(), values.end(), 1.0f); break;
        case TensorFill::kZeros: std::fill(values.begin(), values.end(), 0.0f); break;
        case TensorFill::kNormal: {
            FastRng rng(mix_seed(seed, chunk.tensor, static_cast<uint64_t>(chunk.first)));
            fill_normal(rng, kWeightStddev, values);
            break;
        }
    }
    const std::size_t elem_size = ggml_type_size(type);
    bytes.resize(values.size() * elem_size);
    if (type == GGML_TYPE_F16) {
        ggml_fp32_to_fp16_row(values.data(), reinterpret_cast<ggml_fp16_t*>(bytes.data()),
                              chunk.count);
    } else if (type == GGML_TYPE_BF16) {
        ggml_fp32_to_bf16_row(values.data(), reinterpret_cast<ggml_bf16_t*>(bytes.data()),
                              chunk.count);
    } else {
        std::memcpy(bytes.data(), values.data(), bytes.size());
    }
    return out.write_at(bytes.data(), bytes.size(),
                        offset + static_cast<uint64_t>(chunk.first) * elem_size);
}

}  // namespace

Result<SynthReport> synthesize_model(const SynthOptions& options, const fs::path& out) {
    const auto t_start = std::chrono::steady_clock::now();
    const ModelShape& shape = options.shape;
    BIOMEDQ_TRY(validate_shape(shape));
    BIOMEDQ_ASSIGN(const ggml_type weight_type, weight_type_from_name(options.type));

    GgufPtr meta(gguf_init_empty());
    BIOMEDQ_ASSIGN(const uint32_t n_vocab, copy_tokenizer(options.vocab_path, meta.get()));
    set_hparams(meta.get(), shape, n_vocab, weight_type);

    const std::vector<TensorPlan> plan = plan_tensors(shape, n_vocab);
    // Tensor descriptors only (no_alloc): gguf_add_tensor copies name, type and shape.
    const std::size_t ctx_bytes = ggml_tensor_overhead() * (plan.size() + 1);
    std::unique_ptr<ggml_context, GgmlFree> descriptors(
        ggml_init(ggml_init_params{ctx_bytes, nullptr, /*no_alloc=*/true}));
    std::vector<ggml_type> types;
    for (const auto& t : plan) {
        const ggml_type type = t.is_matrix ? weight_type : GGML_TYPE_F32;
        ggml_tensor* tensor = t.is_matrix
                                  ? ggml_new_tensor_2d(descriptors.get(), type, t.ne0, t.ne1)
                                  : ggml_new_tensor_1d(descriptors.get(), type, t.ne0);
        ggml_set_name(tensor, t.name.c_str());
        gguf_add_tensor(meta.get(), tensor);
        types.push_back(type);
    }

    const std::size_t bytes_meta = gguf_get_meta_size(meta.get());
    std::vector<char> meta_bytes(bytes_meta);
    gguf_get_meta_data(meta.get(), meta_bytes.data());
    const auto last = static_cast<int64_t>(plan.size()) - 1;
    const uint64_t bytes_file = bytes_meta + gguf_get_tensor_offset(meta.get(), last) +
                                gguf_get_tensor_size(meta.get(), last);

    std::error_code ec;
    if (out.has_parent_path() && !fs::exists(out.parent_path(), ec)) {
        return make_error(ErrorCode::kNotFound,
                          out.string() + ": output directory " + out.parent_path().string() +
                              " does not exist");
    }
    TempOutput file(out);
    BIOMEDQ_TRY(file.open());
    BIOMEDQ_TRY(file.write_at(meta_bytes.data(), meta_bytes.size(), 0));

    std::vector<Chunk> chunks;
    uint64_t n_params = 0;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const int64_t n = plan[i].ne0 * plan[i].ne1;
        n_params += static_cast<uint64_t>(n);
        // Chunks are whole rows so each starts on an element (and block) boundary.
        const int64_t rows_per_chunk = std::max<int64_t>(1, kChunkElements / plan[i].ne0);
        for (int64_t row = 0; row < plan[i].ne1; row += rows_per_chunk) {
            const int64_t rows = std::min(rows_per_chunk, plan[i].ne1 - row);
            chunks.push_back(Chunk{i, row * plan[i].ne0, rows * plan[i].ne0});
        }
    }

    const auto hw = static_cast<unsigned>(default_thread_count());
    const unsigned n_threads = options.n_threads > 0 ? static_cast<unsigned>(options.n_threads) : hw;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    Error first_error;
    auto worker = [&] {
        std::vector<float> values;
        std::vector<char> bytes;
        for (std::size_t c = next++; c < chunks.size() && !failed; c = next++) {
            const Chunk& chunk = chunks[c];
            const uint64_t offset =
                bytes_meta + gguf_get_tensor_offset(meta.get(), static_cast<int64_t>(chunk.tensor));
            Status s = fill_chunk(plan[chunk.tensor], types[chunk.tensor], chunk, options.seed,
                                  offset, file, values, bytes);
            if (!s.ok()) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!failed.exchange(true)) first_error = s.error();
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < std::min<std::size_t>(n_threads, chunks.size()); ++t) {
        threads.emplace_back(worker);
    }
    worker();
    for (auto& t : threads) t.join();
    if (failed) return first_error;
    // Padding between tensors was never written: sparse zeros, which is what gguf writes too.
    BIOMEDQ_TRY(file.commit());

    SynthReport report;
    report.path = out;
    report.n_params = n_params;
    report.n_vocab = n_vocab;
    report.bytes_file = fs::file_size(out, ec);
    if (report.bytes_file != bytes_file) {
        return make_error(ErrorCode::kInternal, out.string() + ": wrote " +
                                                    std::to_string(report.bytes_file) +
                                                    " bytes, expected " + std::to_string(bytes_file));
    }
    report.t_total_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start).count();
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
