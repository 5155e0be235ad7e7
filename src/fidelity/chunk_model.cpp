#include "fidelity/chunk_model.h"

#include <algorithm>

#include "biomedq/quant.h"
#include "core/cpu_threads.h"
#include "llama/model_loader.h"
#include "llama/recent_log.h"
#include "llama/tokenize.h"

namespace biomedq::fidelity {

Result<std::unique_ptr<ChunkModel>> ChunkModel::load(const ChunkModelOptions& options) {
    if (options.ctx < 16) {
        return make_error(ErrorCode::kInvalidArgument, "--ctx must be at least 16 tokens (got " +
                                                           std::to_string(options.ctx) + ")");
    }
    BIOMEDQ_TRY(check_gguf_file(options.path));
    llama::prepare_load(options.verbose);

    std::unique_ptr<ChunkModel> m(new ChunkModel());
    m->options_ = options;
    llama_model_params mparams = llama_model_default_params();
    mparams.n_gpu_layers = options.gpu_layers < 0 ? 999 : options.gpu_layers;
    BIOMEDQ_ASSIGN(m->model_, llama::load_model(options.path, mparams));
    llama_context_params cparams = llama_context_default_params();
    const auto ctx = static_cast<uint32_t>(options.ctx);
    cparams.n_ctx = ctx;
    cparams.n_seq_max = 1;
    cparams.n_batch = ctx;
    cparams.n_ubatch = std::min<uint32_t>(512, ctx);
    const int threads = options.threads > 0 ? options.threads : default_thread_count();
    cparams.n_threads = threads;
    cparams.n_threads_batch = threads;
    cparams.no_perf = true;
    cparams.cb_eval = options.cb_eval;
    cparams.cb_eval_user_data = options.cb_eval_user_data;
    m->context_.reset(llama_init_from_model(m->model_.get(), cparams));
    if (!m->context_) {
        const std::string why = llama::recent_llama_errors();
        return make_error(ErrorCode::kResource,
                          options.path + ": could not create a context of " + std::to_string(ctx) +
                              " tokens" + (why.empty() ? std::string() : " (" + why + ")") +
                              ": use a smaller --ctx or fewer --gpu-layers");
    }
    m->vocab_ = llama_model_get_vocab(m->model_.get());
    m->n_vocab_ = llama_vocab_n_tokens(m->vocab_);
    return m;
}

llama_token ChunkModel::bos_or_none() const {
    return llama_vocab_get_add_bos(vocab_) ? llama_vocab_bos(vocab_) : -1;
}

std::vector<llama_token> ChunkModel::tokenize(const std::string& text) const {
    return llama::tokenize(vocab_, text, /*add_special=*/false, /*parse_special=*/false);
}

Status ChunkModel::eval(const std::vector<llama_token>& tokens) {
    if (tokens.empty() || static_cast<int>(tokens.size()) > options_.ctx) {
        return make_error(ErrorCode::kInvalidArgument, "chunk of " + std::to_string(tokens.size()) +
                                                           " tokens for a context of " +
                                                           std::to_string(options_.ctx));
    }
    llama_memory_clear(llama_get_memory(context_.get()), true);
    llama::BatchOwner owner(static_cast<int32_t>(tokens.size()), 1);
    llama_batch& batch = owner.batch;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        batch.token[i] = tokens[i];
        batch.pos[i] = static_cast<llama_pos>(i);
        batch.n_seq_id[i] = 1;
        batch.seq_id[i][0] = 0;
        batch.logits[i] = 1;
    }
    batch.n_tokens = static_cast<int32_t>(tokens.size());
    llama::reset_recent_log();
    const int32_t rc = llama_decode(context_.get(), batch);
    if (rc != 0) {
        const std::string why = llama::recent_llama_errors();
        return make_error(ErrorCode::kBackend, options_.path + ": llama_decode failed (code " +
                                                   std::to_string(rc) + ")" +
                                                   (why.empty() ? std::string() : ": " + why));
    }
    llama_synchronize(context_.get());
    return Status::success();
}

const float* ChunkModel::logits(int i) const { return llama_get_logits_ith(context_.get(), i); }

}  // namespace biomedq::fidelity
