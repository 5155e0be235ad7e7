// The streamed reference: what the reference model's run leaves on disk so the quantized model can
// be compared without both being loaded. Written and read sequentially, one position at a time, so
// memory holds one position's codes whatever the text length.
//
// Layout (little-endian, as the host writes it):
//   "BMQFIDREF1\0\0\0\0\0\0" (16 bytes), i32 n_vocab, i32 ctx, u32 n_chunks, f32 range
//   per chunk: u32 n_tokens, i32 tokens[n_tokens],
//              per scored position (n_tokens - 1): i32 argmax, f32 logprob_next, f32 logprob_max,
//                                                  u16 codes[n_vocab]
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "biomedq/result.h"
#include "fidelity/position_score.h"
#include "fidelity/token_chunks.h"

namespace biomedq::fidelity {

struct FileCloser {
    void operator()(std::FILE* f) const {
        if (f) std::fclose(f);
    }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

class ReferenceFileWriter {
public:
    // Errors: kIo naming the path.
    static Result<ReferenceFileWriter> create(const std::filesystem::path& path, int n_vocab,
                                              int ctx, std::uint32_t n_chunks);
    Status begin_chunk(const std::vector<TokenId>& tokens);
    Status add_position(const QuantizedReference& position);
    Status close();  // flushes; errors: kIo (disk full)

private:
    Status write(const void* data, std::size_t bytes);
    std::filesystem::path path_;
    FilePtr file_;
};

class ReferenceFileReader {
public:
    // Errors: kNotFound, kParse (bad magic, header), naming the path.
    static Result<ReferenceFileReader> open(const std::filesystem::path& path);
    int n_vocab() const { return n_vocab_; }
    int ctx() const { return ctx_; }
    std::uint32_t n_chunks() const { return n_chunks_; }
    // Reads the next chunk's tokens; its positions follow with next_position.
    Result<std::vector<TokenId>> next_chunk();
    Status next_position(QuantizedReference& into);

private:
    Status read(void* data, std::size_t bytes, const char* what);
    std::filesystem::path path_;
    FilePtr file_;
    int n_vocab_ = 0;
    int ctx_ = 0;
    std::uint32_t n_chunks_ = 0;
};

}  // namespace biomedq::fidelity
