#include "core/sha256.h"

#include <openssl/evp.h>
#include <sys/file.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/file_io.h"

namespace biomedq {
namespace {

struct DigestContext {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    DigestContext() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
    ~DigestContext() { EVP_MD_CTX_free(ctx); }
    void update(const void* data, std::size_t n) { EVP_DigestUpdate(ctx, data, n); }
    std::string hex() {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx, digest, &len);
        static const char* kHex = "0123456789abcdef";
        std::string out;
        for (unsigned int i = 0; i < len; ++i) {
            out += kHex[digest[i] >> 4];
            out += kHex[digest[i] & 15];
        }
        return out;
    }
};

std::filesystem::path cache_file() {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    std::filesystem::path base =
        xdg && *xdg ? xdg : (home ? std::filesystem::path(home) / ".cache" : "/tmp");
    return base / "biomedq" / "sha256.json";
}

}  // namespace

std::string sha256_hex(const std::string& data) {
    DigestContext d;
    d.update(data.data(), data.size());
    return d.hex();
}

Result<std::string> sha256_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code ec;
        return make_error(std::filesystem::exists(path, ec) ? ErrorCode::kIo : ErrorCode::kNotFound,
                          path.string() + ": cannot open for hashing");
    }
    DigestContext d;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        d.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) return make_error(ErrorCode::kIo, path.string() + ": read failed while hashing");
    return d.hex();
}

Result<std::string> sha256_file_cached(const std::filesystem::path& path) {
    std::error_code ec;
    const auto canonical = std::filesystem::weakly_canonical(path, ec).string();
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return make_error(ErrorCode::kNotFound, path.string() + ": no such file");
    const auto mtime = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
    const std::string key = canonical + "|" + std::to_string(size) + "|" + std::to_string(mtime);

    const auto cache = cache_file();
    nlohmann::json entries = nlohmann::json::object();
    if (auto text = read_file(cache); text.ok()) {
        auto parsed = nlohmann::json::parse(text.value(), nullptr, false);
        if (parsed.is_object()) entries = std::move(parsed);  // a corrupt cache is just rebuilt
    }
    if (entries.contains(key) && entries[key].is_string()) return entries[key].get<std::string>();
    BIOMEDQ_ASSIGN(std::string hash, sha256_file(path));
    std::filesystem::create_directories(cache.parent_path(), ec);
    entries[key] = hash;
    (void)write_file_atomic(cache,
                            entries.dump(1));  // a cache that cannot be written costs only time
    return hash;
}

}  // namespace biomedq
