// Opens GGUF files for metadata only, after checking what gguf itself reports badly: a missing
// file, a file that is not GGUF, and tensor data cut short (gguf does not read the data, so it
// cannot see truncation there).
#pragma once

#include <gguf.h>

#include <filesystem>
#include <string>

#include "biomedq/result.h"
#include "llama/handles.h"

namespace biomedq::llama {

// Errors: kNotFound, kParse ("not a GGUF file", "truncated or corrupt GGUF header", "truncated:
// tensor data needs N bytes, file has M"). Messages start with the path.
Result<GgufPtr> open_gguf_metadata(const std::filesystem::path& path);

// Typed KV lookups; nullopt-like defaults when the key is absent or has another type.
std::string gguf_string_or(const gguf_context* ctx, const std::string& key, std::string fallback);
// Accepts any integer KV type; `fallback` when absent.
uint64_t gguf_uint_or(const gguf_context* ctx, const std::string& key, uint64_t fallback);

}  // namespace biomedq::llama
