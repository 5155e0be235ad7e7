#include "llama/gguf_reader.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <system_error>

#include "llama/log_capture.h"

namespace biomedq::llama {

namespace fs = std::filesystem;

Result<GgufPtr> open_gguf_metadata(const fs::path& path) {
    const std::string where = path.string();
    std::error_code ec;
    if (!fs::exists(path, ec)) return make_error(ErrorCode::kNotFound, where + ": file not found");
    if (!fs::is_regular_file(path, ec)) {
        return make_error(ErrorCode::kInvalidArgument, where + ": not a regular file");
    }
    const uint64_t bytes_file = fs::file_size(path, ec);
    if (ec) return make_error(ErrorCode::kIo, where + ": cannot stat: " + ec.message());

    std::array<char, 4> magic{};
    {
        std::ifstream in(path, std::ios::binary);
        if (!in) return make_error(ErrorCode::kIo, where + ": cannot open for reading");
        in.read(magic.data(), magic.size());
        if (in.gcount() != static_cast<std::streamsize>(magic.size()) ||
            std::string(magic.data(), magic.size()) != GGUF_MAGIC) {
            return make_error(ErrorCode::kParse,
                              where + ": not a GGUF file (expected magic \"GGUF\" at offset 0)");
        }
    }

    gguf_context* raw = nullptr;
    std::string log;
    {
        LogCapture capture;  // gguf reports header problems through the log; keep them quiet
        gguf_init_params params{/*no_alloc=*/true, /*ctx=*/nullptr};
        raw = gguf_init_from_file(where.c_str(), params);
        log = capture.errors_one_line();
    }
    if (!raw) {
        return make_error(ErrorCode::kParse, where + ": truncated or corrupt GGUF header" +
                                                 (log.empty() ? "" : " (" + log + ")"));
    }
    GgufPtr ctx(raw);

    uint64_t bytes_needed = gguf_get_data_offset(ctx.get());
    const int64_t n_tensors = gguf_get_n_tensors(ctx.get());
    for (int64_t i = 0; i < n_tensors; ++i) {
        const uint64_t end = gguf_get_data_offset(ctx.get()) +
                             gguf_get_tensor_offset(ctx.get(), i) +
                             gguf_get_tensor_size(ctx.get(), i);
        bytes_needed = std::max(bytes_needed, end);
    }
    if (n_tensors > 0 && bytes_file < bytes_needed) {
        return make_error(ErrorCode::kParse, where + ": truncated: tensor data needs " +
                                                 std::to_string(bytes_needed) +
                                                 " bytes, file has " + std::to_string(bytes_file));
    }
    return ctx;
}

std::string gguf_string_or(const gguf_context* ctx, const std::string& key, std::string fallback) {
    const int64_t id = gguf_find_key(ctx, key.c_str());
    if (id < 0 || gguf_get_kv_type(ctx, id) != GGUF_TYPE_STRING) return fallback;
    return gguf_get_val_str(ctx, id);
}

uint64_t gguf_uint_or(const gguf_context* ctx, const std::string& key, uint64_t fallback) {
    const int64_t id = gguf_find_key(ctx, key.c_str());
    if (id < 0) return fallback;
    switch (gguf_get_kv_type(ctx, id)) {
        case GGUF_TYPE_UINT8:
            return gguf_get_val_u8(ctx, id);
        case GGUF_TYPE_UINT16:
            return gguf_get_val_u16(ctx, id);
        case GGUF_TYPE_UINT32:
            return gguf_get_val_u32(ctx, id);
        case GGUF_TYPE_UINT64:
            return gguf_get_val_u64(ctx, id);
        case GGUF_TYPE_INT8:
            return static_cast<uint64_t>(std::max<int8_t>(0, gguf_get_val_i8(ctx, id)));
        case GGUF_TYPE_INT16:
            return static_cast<uint64_t>(std::max<int16_t>(0, gguf_get_val_i16(ctx, id)));
        case GGUF_TYPE_INT32:
            return static_cast<uint64_t>(std::max(0, gguf_get_val_i32(ctx, id)));
        case GGUF_TYPE_INT64:
            return static_cast<uint64_t>(std::max<int64_t>(0, gguf_get_val_i64(ctx, id)));
        default:
            return fallback;
    }
}

}  // namespace biomedq::llama
