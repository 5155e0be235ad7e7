// The device run growth the eval runner measured, kept for simulate_memory (see
// include/biomedq/memory_simulation.h).
#include <nlohmann/json.hpp>
#include <system_error>

#include "biomedq/memory_simulation.h"
#include "core/cache_dir.h"
#include "core/file_io.h"

namespace biomedq {
namespace {

nlohmann::json read_cache(const std::filesystem::path& cache_file) {
    auto text = read_file(cache_file);
    if (!text.ok()) return nlohmann::json::object();
    auto doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    return doc.is_object() ? doc : nlohmann::json::object();  // a damaged cache counts as empty
}

}  // namespace

std::filesystem::path device_overhead_cache_path() {
    return biomedq_cache_dir() / "device-overhead.json";
}

Status record_device_run_growth(const std::string& description, std::uint64_t bytes_run_growth,
                                const std::string& measured_at,
                                const std::filesystem::path& cache_file) {
    if (description.empty()) return Status::success();
    nlohmann::json doc = read_cache(cache_file);
    doc[description] = {{"bytes_run_growth", bytes_run_growth}, {"measured_at", measured_at}};
    std::error_code ec;
    if (cache_file.has_parent_path())
        std::filesystem::create_directories(cache_file.parent_path(), ec);
    if (ec) {
        return make_error(ErrorCode::kIo,
                          cache_file.parent_path().string() + ": cannot create: " + ec.message());
    }
    return write_file_atomic(cache_file, doc.dump(2) + "\n");
}

std::uint64_t recorded_device_run_growth(const std::string& description,
                                         const std::filesystem::path& cache_file) {
    const nlohmann::json doc = read_cache(cache_file);
    const auto it = doc.find(description);
    if (it == doc.end() || !it->is_object()) return 0;
    const auto g = it->find("bytes_run_growth");
    return g != it->end() && g->is_number_unsigned() ? g->get<std::uint64_t>() : 0;
}

}  // namespace biomedq
