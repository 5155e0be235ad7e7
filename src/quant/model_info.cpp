#include <ggml.h>
#include <llama.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "biomedq/quant.h"
#include "llama/gguf_reader.h"
#include "quant/name_match.h"
#include "quant/shape_tensors.h"

namespace biomedq {

namespace fs = std::filesystem;

namespace {

// Architectures whose KV cache and graph follow the plain transformer the estimate models.
const std::set<std::string>& supported_architectures() {
    static const std::set<std::string> archs = {"llama",  "qwen2",  "qwen3", "gemma",
                                                "gemma2", "gemma3", "phi3",  "mistral3"};
    return archs;
}

// "blk.17.attn_q.weight" -> 17; -1 for tensors outside the repeating layers.
int layer_of(const std::string& name) {
    if (name.rfind("blk.", 0) != 0) return -1;
    const auto dot = name.find('.', 4);
    if (dot == std::string::npos) return -1;
    try {
        return std::stoi(name.substr(4, dot - 4));
    } catch (...) {
        return -1;
    }
}

}  // namespace

Status check_gguf_file(const fs::path& path) {
    auto ctx = llama::open_gguf_metadata(path);
    if (!ctx.ok()) return ctx.error();
    return Status::success();
}

namespace {

// general.* keys: architecture (checked), name, file type, chat template; the file size.
Status read_general(const gguf_context* ctx, const fs::path& path, ModelInfo& info) {
    const std::string where = path.string();
    info.path = path;
    info.arch = llama::gguf_string_or(ctx, "general.architecture", "");
    if (info.arch.empty()) {
        return make_error(ErrorCode::kParse,
                          where + ": key \"general.architecture\" missing: not a model GGUF");
    }
    if (!supported_architectures().contains(info.arch)) {
        std::vector<std::string> names(supported_architectures().begin(),
                                       supported_architectures().end());
        return make_error(ErrorCode::kUnsupported,
                          where + ": architecture \"" + info.arch +
                              "\" is not supported (supported: " + join(names, ", ") + ")");
    }
    info.name = llama::gguf_string_or(ctx, "general.name", "");
    std::error_code ec;
    info.bytes_file = fs::file_size(path, ec);
    if (gguf_find_key(ctx, "general.file_type") >= 0) {
        info.file_type = static_cast<int>(llama::gguf_uint_or(ctx, "general.file_type", 0));
    }
    info.has_chat_template = gguf_find_key(ctx, "tokenizer.chat_template") >= 0;
    return Status::success();
}

// The architecture's hyperparameters ("<arch>.block_count", ...), checked for a damaged header.
Status read_hyperparameters(const gguf_context* ctx, const std::string& where, ModelInfo& info) {
    const std::string a = info.arch + ".";
    auto u32 = [&](const std::string& key, uint64_t fallback) {
        return static_cast<uint32_t>(llama::gguf_uint_or(ctx, a + key, fallback));
    };
    info.n_layer = u32("block_count", 0);
    info.n_embd = u32("embedding_length", 0);
    info.n_ff = u32("feed_forward_length", 0);
    info.n_head = u32("attention.head_count", 0);
    info.n_head_kv = u32("attention.head_count_kv", info.n_head);
    info.n_ctx_train = u32("context_length", 0);
    if (info.n_layer == 0 || info.n_embd == 0 || info.n_head == 0) {
        return make_error(ErrorCode::kParse, where + ": keys \"" + a + "block_count\", \"" + a +
                                                 "embedding_length\" and \"" + a +
                                                 "attention.head_count\" must be present and > 0");
    }
    // Every layer has tensors of its own, so a block count above the tensor count is a damaged
    // header; checked before bytes_layer is sized by it (found by fuzz_gguf_info: 4e9 layers).
    if (static_cast<int64_t>(info.n_layer) > gguf_get_n_tensors(ctx)) {
        return make_error(ErrorCode::kParse,
                          where + ": key \"" + a + "block_count\" is " +
                              std::to_string(info.n_layer) + " but the file has only " +
                              std::to_string(gguf_get_n_tensors(ctx)) + " tensors");
    }
    info.head_dim_k = u32("attention.key_length", info.n_embd / info.n_head);
    info.head_dim_v = u32("attention.value_length", info.n_embd / info.n_head);
    info.n_vocab = u32("vocab_size", 0);
    if (info.n_vocab == 0) {
        const int64_t tokens = gguf_find_key(ctx, "tokenizer.ggml.tokens");
        if (tokens >= 0) info.n_vocab = static_cast<uint32_t>(gguf_get_arr_n(ctx, tokens));
    }
    return Status::success();
}

// Parameters and bytes per tensor type and per part of the model (layers, embeddings, output).
void read_tensors(const gguf_context* ctx, ModelInfo& info) {
    info.bytes_layer.assign(info.n_layer, 0);
    bool has_output = false;
    for (int64_t i = 0; i < gguf_get_n_tensors(ctx); ++i) {
        const std::string name = gguf_get_tensor_name(ctx, i);
        const ggml_type type = gguf_get_tensor_type(ctx, i);
        const int64_t* ne = gguf_get_tensor_ne(ctx, i);
        uint64_t n = 1;
        for (int d = 0; d < GGML_MAX_DIMS; ++d) n *= static_cast<uint64_t>(ne[d]);
        const uint64_t bytes = gguf_get_tensor_size(ctx, i);
        info.n_params += n;
        info.bytes_tensors += bytes;
        info.n_params_by_type[ggml_type_name(type)] += n;

        const int layer = layer_of(name);
        if (layer >= 0 && static_cast<uint32_t>(layer) < info.n_layer) {
            info.bytes_layer[static_cast<std::size_t>(layer)] += bytes;
        } else if (name == "token_embd.weight") {
            info.bytes_token_embd += bytes;
            if (info.n_vocab == 0) info.n_vocab = static_cast<uint32_t>(ne[1]);
        } else if (name.rfind("output", 0) == 0) {
            info.bytes_output += bytes;
            has_output = has_output || name == "output.weight";
        } else {
            info.bytes_other += bytes;
        }
    }
    info.tied_embeddings = !has_output;
}

// Bits per weight, the dominant tensor type and the file type's name.
void summarize_types(ModelInfo& info) {
    if (info.n_params > 0) {
        info.bits_per_weight =
            8.0 * static_cast<double>(info.bytes_tensors) / static_cast<double>(info.n_params);
    }
    uint64_t most = 0;
    for (const auto& [type, n] : info.n_params_by_type) {
        if (n > most) {
            most = n;
            info.dominant_tensor_type = type;
        }
    }
    info.file_type_name = info.file_type
                              ? llama_ftype_name(static_cast<llama_ftype>(*info.file_type))
                              : info.dominant_tensor_type;
}

}  // namespace

Result<ModelInfo> read_model_info(const fs::path& path) {
    BIOMEDQ_ASSIGN(llama::GgufPtr ctx_ptr, llama::open_gguf_metadata(path));
    const gguf_context* ctx = ctx_ptr.get();
    ModelInfo info;
    BIOMEDQ_TRY(read_general(ctx, path, info));
    BIOMEDQ_TRY(read_hyperparameters(ctx, path.string(), info));
    read_tensors(ctx, info);
    summarize_types(info);
    return info;
}

ModelInfo model_info_for_shape(const ModelShape& shape, const QuantType& type) {
    ModelInfo info;
    info.arch = shape.arch;
    info.name = shape.display_name;
    info.file_type = type.ftype;
    info.file_type_name = to_upper(type.name);
    info.n_vocab = shape.n_vocab;
    info.n_ctx_train = shape.n_ctx_train;
    info.n_layer = shape.n_layer;
    info.n_embd = shape.n_embd;
    info.n_ff = shape.n_ff;
    info.n_head = shape.n_head;
    info.n_head_kv = shape.n_head_kv;
    info.head_dim_k = shape.head_dim_or_default();
    info.head_dim_v = shape.head_dim_or_default();
    info.tied_embeddings = shape.tied_embeddings;
    info.has_chat_template = true;
    info.bytes_layer.assign(shape.n_layer, 0);

    auto sized = size_shape_tensors(shape, type);
    if (sized.ok()) {
        // Each tensor in the type llama.cpp's quantization rules give it.
        for (const auto& t : *sized) {
            info.n_params += t.n_elements;
            info.bytes_tensors += t.bytes;
            info.n_params_by_type[ggml_type_name(t.type)] += t.n_elements;
            if (t.tensor.layer >= 0) {
                info.bytes_layer[static_cast<std::size_t>(t.tensor.layer)] += t.bytes;
            } else if (t.tensor.name == "token_embd.weight") {
                info.bytes_token_embd += t.bytes;
            } else {
                info.bytes_output += t.bytes;
            }
        }
        uint64_t most = 0;
        for (const auto& [name, n] : info.n_params_by_type) {
            if (n > most) {
                most = n;
                info.dominant_tensor_type = name;
            }
        }
    } else {
        // Nominal bits per weight where llama.cpp cannot describe the shape (a few percent low for
        // k-quant mixes).
        auto bytes_for = [](uint64_t n, double bpw) {
            return static_cast<uint64_t>(std::ceil(static_cast<double>(n) * bpw / 8.0));
        };
        const uint64_t n_total = count_parameters(shape, shape.n_vocab);
        const uint64_t n_embd_table = uint64_t{shape.n_vocab} * shape.n_embd;
        const uint64_t n_layers_total =
            n_total - n_embd_table - (shape.tied_embeddings ? 0 : n_embd_table) - shape.n_embd;
        const double bpw_output = std::max(type.bits_per_weight, 6.5625);
        info.bytes_token_embd = bytes_for(n_embd_table, type.bits_per_weight);
        info.bytes_output = uint64_t{shape.n_embd} * 4 +
                            (shape.tied_embeddings ? 0 : bytes_for(n_embd_table, bpw_output));
        info.bytes_layer.assign(shape.n_layer,
                                bytes_for(n_layers_total / shape.n_layer, type.bits_per_weight));
        info.n_params = n_total;
        info.bytes_tensors = info.bytes_token_embd + info.bytes_output;
        for (uint64_t b : info.bytes_layer) info.bytes_tensors += b;
        info.dominant_tensor_type = type.name;
        info.n_params_by_type[type.name] = n_total;
    }
    info.bytes_file = info.bytes_tensors;
    info.bits_per_weight = 8.0 * static_cast<double>(info.bytes_tensors) /
                           static_cast<double>(std::max<uint64_t>(1, info.n_params));
    return info;
}

}  // namespace biomedq
