#include "fidelity/reference_file.h"

#include <cstring>

#include "biomedq/fidelity.h"

namespace biomedq::fidelity {

namespace {
constexpr char kMagic[16] = {'B', 'M', 'Q', 'F', 'I', 'D', 'R', 'E', 'F', '1', 0, 0, 0, 0, 0, 0};
}

Result<ReferenceFileWriter> ReferenceFileWriter::create(const std::filesystem::path& path,
                                                        int n_vocab, int ctx,
                                                        std::uint32_t n_chunks) {
    ReferenceFileWriter w;
    w.path_ = path;
    w.file_.reset(std::fopen(path.c_str(), "wb"));
    if (!w.file_) {
        return make_error(ErrorCode::kIo, path.string() + ": cannot create the reference file: " +
                                              std::strerror(errno));
    }
    const float range = kLogProbRange;
    BIOMEDQ_TRY(w.write(kMagic, sizeof(kMagic)));
    BIOMEDQ_TRY(w.write(&n_vocab, sizeof(n_vocab)));
    BIOMEDQ_TRY(w.write(&ctx, sizeof(ctx)));
    BIOMEDQ_TRY(w.write(&n_chunks, sizeof(n_chunks)));
    BIOMEDQ_TRY(w.write(&range, sizeof(range)));
    return w;
}

Status ReferenceFileWriter::write(const void* data, std::size_t bytes) {
    if (std::fwrite(data, 1, bytes, file_.get()) != bytes) {
        return make_error(ErrorCode::kIo, path_.string() + ": writing the reference file failed: " +
                                              std::strerror(errno));
    }
    return Status::success();
}

Status ReferenceFileWriter::begin_chunk(const std::vector<TokenId>& tokens) {
    const auto n = static_cast<std::uint32_t>(tokens.size());
    BIOMEDQ_TRY(write(&n, sizeof(n)));
    return write(tokens.data(), tokens.size() * sizeof(TokenId));
}

Status ReferenceFileWriter::add_position(const QuantizedReference& p) {
    BIOMEDQ_TRY(write(&p.argmax, sizeof(p.argmax)));
    BIOMEDQ_TRY(write(&p.logprob_next, sizeof(p.logprob_next)));
    BIOMEDQ_TRY(write(&p.logprob_max, sizeof(p.logprob_max)));
    return write(p.codes.data(), p.codes.size() * sizeof(std::uint16_t));
}

Status ReferenceFileWriter::close() {
    std::FILE* f = file_.release();
    if (std::fflush(f) != 0 || std::fclose(f) != 0) {
        return make_error(ErrorCode::kIo, path_.string() + ": closing the reference file failed: " +
                                              std::strerror(errno));
    }
    return Status::success();
}

Result<ReferenceFileReader> ReferenceFileReader::open(const std::filesystem::path& path) {
    ReferenceFileReader r;
    r.path_ = path;
    r.file_.reset(std::fopen(path.c_str(), "rb"));
    if (!r.file_) {
        return make_error(
            ErrorCode::kNotFound,
            path.string() + ": cannot open the reference file: " + std::strerror(errno));
    }
    char magic[16] = {};
    float range = 0;
    BIOMEDQ_TRY(r.read(magic, sizeof(magic), "magic"));
    if (std::memcmp(magic, kMagic, sizeof(kMagic)) != 0) {
        return make_error(ErrorCode::kParse,
                          path.string() +
                              ": not a biomedq fidelity reference file (expected the "
                              "magic \"BMQFIDREF1\" at offset 0)");
    }
    BIOMEDQ_TRY(r.read(&r.n_vocab_, sizeof(r.n_vocab_), "n_vocab"));
    BIOMEDQ_TRY(r.read(&r.ctx_, sizeof(r.ctx_), "ctx"));
    BIOMEDQ_TRY(r.read(&r.n_chunks_, sizeof(r.n_chunks_), "n_chunks"));
    BIOMEDQ_TRY(r.read(&range, sizeof(range), "range"));
    if (r.n_vocab_ <= 0 || r.ctx_ < 2 || range != kLogProbRange) {
        return make_error(ErrorCode::kParse, path.string() + ": header: n_vocab " +
                                                 std::to_string(r.n_vocab_) + ", ctx " +
                                                 std::to_string(r.ctx_) + ", range " +
                                                 std::to_string(range) +
                                                 " (expected n_vocab > 0, ctx >= 2, range 24)");
    }
    return r;
}

Status ReferenceFileReader::read(void* data, std::size_t bytes, const char* what) {
    if (std::fread(data, 1, bytes, file_.get()) != bytes) {
        return make_error(ErrorCode::kParse, path_.string() + ": truncated while reading " + what +
                                                 " (at byte " +
                                                 std::to_string(std::ftell(file_.get())) + ")");
    }
    return Status::success();
}

Result<std::vector<TokenId>> ReferenceFileReader::next_chunk() {
    std::uint32_t n = 0;
    BIOMEDQ_TRY(read(&n, sizeof(n), "a chunk's token count"));
    if (n < 2 || n > static_cast<std::uint32_t>(ctx_)) {
        return make_error(ErrorCode::kParse, path_.string() + ": chunk of " + std::to_string(n) +
                                                 " tokens (expected 2.." + std::to_string(ctx_) +
                                                 ")");
    }
    std::vector<TokenId> tokens(n);
    BIOMEDQ_TRY(read(tokens.data(), n * sizeof(TokenId), "a chunk's tokens"));
    return tokens;
}

Status ReferenceFileReader::next_position(QuantizedReference& into) {
    BIOMEDQ_TRY(read(&into.argmax, sizeof(into.argmax), "argmax"));
    BIOMEDQ_TRY(read(&into.logprob_next, sizeof(into.logprob_next), "logprob_next"));
    BIOMEDQ_TRY(read(&into.logprob_max, sizeof(into.logprob_max), "logprob_max"));
    into.codes.resize(static_cast<std::size_t>(n_vocab_));
    return read(into.codes.data(), into.codes.size() * sizeof(std::uint16_t), "log-prob codes");
}

}  // namespace biomedq::fidelity
