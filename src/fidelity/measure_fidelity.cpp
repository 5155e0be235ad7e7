// The fidelity measurement: in-process (both models loaded, one chunk of reference logits at a
// time) or streamed (reference run into a reference file, then the quantized model compares against
// it).
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "biomedq/fidelity.h"
#include "biomedq/quant.h"
#include "fidelity/chunk_model.h"
#include "fidelity/fidelity_accumulator.h"
#include "fidelity/reference_file.h"
#include "fidelity/token_chunks.h"

namespace biomedq {

using fidelity::ChunkModel;
using fidelity::TokenId;

const char* fidelity_mode_name(FidelityMode mode) {
    switch (mode) {
        case FidelityMode::kAuto:
            return "auto";
        case FidelityMode::kInProcess:
            return "in_process";
        case FidelityMode::kStreamed:
            return "streamed";
    }
    return "unknown";
}

std::uint64_t reference_file_bytes(std::uint64_t n_positions, int n_vocab) {
    return n_positions * (12 + 2 * static_cast<std::uint64_t>(n_vocab));
}

namespace {

fidelity::ChunkModelOptions chunk_options(const FidelityOptions& o,
                                          const std::filesystem::path& p) {
    fidelity::ChunkModelOptions c;
    c.path = p.string();
    c.ctx = o.ctx;
    c.gpu_layers = o.gpu_layers;
    c.threads = o.threads;
    c.verbose = o.verbose;
    return c;
}

Result<std::unique_ptr<ChunkModel>> load(const FidelityOptions& o, const std::filesystem::path& p) {
    return ChunkModel::load(chunk_options(o, p));
}

// The chunks both models read, from the reference model's tokenizer; kConflict when the other
// model's vocabulary differs in size or tokenizes the text differently.
Result<std::vector<std::vector<TokenId>>> chunks_of(const FidelityOptions& o, const ChunkModel& ref,
                                                    const std::string& text) {
    const std::vector<TokenId> tokens = ref.tokenize(text);
    auto chunks =
        fidelity::split_into_chunks(tokens, o.ctx, ref.bos_or_none(), o.max_tokens, false);
    if (chunks.empty()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "the text is " + std::to_string(tokens.size()) +
                              " tokens long: at least two tokens are needed to score one position");
    }
    return chunks;
}

Status check_same_vocabulary(const ChunkModel& ref, const ChunkModel& model,
                             const std::string& text, int max_tokens) {
    if (ref.n_vocab() != model.n_vocab()) {
        return make_error(ErrorCode::kConflict,
                          model.path() + ": vocabulary of " + std::to_string(model.n_vocab()) +
                              " tokens, but the reference " + ref.path() + " has " +
                              std::to_string(ref.n_vocab()) +
                              ": fidelity compares a quantization with its own source model");
    }
    std::vector<TokenId> a = ref.tokenize(text), b = model.tokenize(text);
    if (max_tokens > 0) {
        a.resize(std::min<std::size_t>(a.size(), static_cast<std::size_t>(max_tokens)));
        b.resize(std::min<std::size_t>(b.size(), static_cast<std::size_t>(max_tokens)));
    }
    if (a != b || ref.bos_or_none() != model.bos_or_none()) {
        std::size_t i = 0;
        while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
        return make_error(ErrorCode::kConflict,
                          model.path() + ": tokenizes the text differently from the reference " +
                              ref.path() + " (first difference at token " + std::to_string(i) +
                              "): the two models have different vocabularies");
    }
    return Status::success();
}

void progress(const FidelityOptions& o, const char* pass, std::size_t done, std::size_t total) {
    if (o.on_progress) o.on_progress(pass, done, total);
}

Status run_in_process(const FidelityOptions& o, const std::string& text, FidelityReport& report) {
    BIOMEDQ_ASSIGN(auto ref, load(o, o.ref_path));
    BIOMEDQ_ASSIGN(auto model, load(o, o.model_path));
    BIOMEDQ_TRY(check_same_vocabulary(*ref, *model, text, o.max_tokens));
    BIOMEDQ_ASSIGN(const auto chunks, chunks_of(o, *ref, text));
    const int n_vocab = ref->n_vocab();
    report.n_vocab = n_vocab;
    fidelity::FidelityAccumulator acc;
    std::vector<float> ref_logits;
    for (const auto& chunk : chunks) {
        BIOMEDQ_TRY(ref->eval(chunk));
        const auto n_positions = static_cast<int>(chunk.size()) - 1;
        ref_logits.resize(static_cast<std::size_t>(n_positions) *
                          static_cast<std::size_t>(n_vocab));
        for (int i = 0; i < n_positions; ++i) {
            std::copy_n(ref->logits(i), n_vocab,
                        ref_logits.begin() + static_cast<std::ptrdiff_t>(i) * n_vocab);
        }
        BIOMEDQ_TRY(model->eval(chunk));
        acc.begin_chunk();
        for (int i = 0; i < n_positions; ++i) {
            acc.add(fidelity::score_logits(
                ref_logits.data() + static_cast<std::ptrdiff_t>(i) * n_vocab, model->logits(i),
                n_vocab, chunk[static_cast<std::size_t>(i) + 1]));
        }
        progress(o, "both models", static_cast<std::size_t>(&chunk - chunks.data()) + 1,
                 chunks.size());
    }
    acc.finish(report);
    return Status::success();
}

Status write_reference(const FidelityOptions& o, const std::string& text,
                       const std::filesystem::path& file) {
    BIOMEDQ_ASSIGN(auto ref, load(o, o.ref_path));
    BIOMEDQ_ASSIGN(const auto chunks, chunks_of(o, *ref, text));
    BIOMEDQ_ASSIGN(auto writer,
                   fidelity::ReferenceFileWriter::create(
                       file, ref->n_vocab(), o.ctx, static_cast<std::uint32_t>(chunks.size())));
    for (const auto& chunk : chunks) {
        BIOMEDQ_TRY(ref->eval(chunk));
        BIOMEDQ_TRY(writer.begin_chunk(chunk));
        for (std::size_t i = 0; i + 1 < chunk.size(); ++i) {
            BIOMEDQ_TRY(writer.add_position(fidelity::quantize_reference(
                ref->logits(static_cast<int>(i)), ref->n_vocab(), chunk[i + 1])));
        }
        progress(o, "reference", static_cast<std::size_t>(&chunk - chunks.data()) + 1,
                 chunks.size());
    }
    return writer.close();
}

Status compare_with_reference(const FidelityOptions& o, const std::string& text,
                              const std::filesystem::path& file, FidelityReport& report) {
    BIOMEDQ_ASSIGN(auto model, load(o, o.model_path));
    BIOMEDQ_ASSIGN(auto reader, fidelity::ReferenceFileReader::open(file));
    const int n_vocab = reader.n_vocab();
    if (n_vocab != model->n_vocab()) {
        return make_error(ErrorCode::kConflict,
                          o.model_path.string() + ": vocabulary of " +
                              std::to_string(model->n_vocab()) + " tokens, but the reference " +
                              o.ref_path.string() + " has " + std::to_string(n_vocab) +
                              ": fidelity compares a quantization with its own source model");
    }
    // The file holds the reference's tokens; the model must read the text the same way.
    BIOMEDQ_ASSIGN(const auto own_chunks, chunks_of(o, *model, text));
    if (own_chunks.size() != reader.n_chunks()) {
        return make_error(ErrorCode::kConflict,
                          o.model_path.string() + ": tokenizes the text into " +
                              std::to_string(own_chunks.size()) + " chunks, the reference into " +
                              std::to_string(reader.n_chunks()) +
                              ": the two models have different vocabularies");
    }
    report.n_vocab = n_vocab;
    fidelity::FidelityAccumulator acc;
    fidelity::QuantizedReference position;
    for (std::uint32_t c = 0; c < reader.n_chunks(); ++c) {
        BIOMEDQ_ASSIGN(const auto chunk, reader.next_chunk());
        if (chunk != own_chunks[c]) {
            return make_error(ErrorCode::kConflict,
                              o.model_path.string() + ": tokenizes chunk " + std::to_string(c) +
                                  " differently from the reference " + o.ref_path.string() +
                                  ": the two models have different vocabularies");
        }
        BIOMEDQ_TRY(model->eval(chunk));
        acc.begin_chunk();
        for (std::size_t i = 0; i + 1 < chunk.size(); ++i) {
            BIOMEDQ_TRY(reader.next_position(position));
            acc.add(fidelity::score_quantized(position, model->logits(static_cast<int>(i)), n_vocab,
                                              chunk[i + 1]));
        }
        progress(o, "quantized", std::size_t{c} + 1, reader.n_chunks());
    }
    acc.finish(report);
    return Status::success();
}

Status run_streamed(const FidelityOptions& o, const std::string& text, FidelityReport& report) {
    std::filesystem::path file = o.reference_file;
    const bool temporary = file.empty();
    if (temporary) {
        file = std::filesystem::temp_directory_path() /
               ("biomedq-fidelity-" + std::to_string(::getpid()) + ".ref");
    }
    Status status = write_reference(o, text, file);
    if (status.ok()) {
        std::error_code ec;
        report.bytes_reference_file = std::filesystem::file_size(file, ec);
        status = compare_with_reference(o, text, file, report);
    }
    if (temporary) {
        std::error_code ec;
        std::filesystem::remove(file, ec);
    }
    return status;
}

}  // namespace

Result<FidelityReport> measure_fidelity(const FidelityOptions& options, const std::string& text) {
    const auto t_start = std::chrono::steady_clock::now();
    if (options.ctx < 16) {
        return make_error(ErrorCode::kInvalidArgument, "--ctx must be at least 16 tokens (got " +
                                                           std::to_string(options.ctx) + ")");
    }
    BIOMEDQ_TRY(check_gguf_file(options.ref_path));
    BIOMEDQ_TRY(check_gguf_file(options.model_path));
    FidelityMode mode = options.mode;
    if (mode == FidelityMode::kAuto) {
        BIOMEDQ_ASSIGN(const FitDecision fit, decide_both_fit(options));
        mode = fit.both_fit ? FidelityMode::kInProcess : FidelityMode::kStreamed;
    }
    FidelityReport report;
    report.ref_path = options.ref_path.string();
    report.model_path = options.model_path.string();
    report.ctx = options.ctx;
    report.mode = fidelity_mode_name(mode);
    if (mode == FidelityMode::kInProcess) {
        BIOMEDQ_TRY(run_in_process(options, text, report));
    } else {
        BIOMEDQ_TRY(run_streamed(options, text, report));
    }
    report.t_total_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start)
            .count();
    return report;
}

}  // namespace biomedq
