#include "runner/batch_shape.h"

#include <fmt/format.h>

#include <utility>

#include "core/file_io.h"
#include "runner/config_field.h"

namespace biomedq::runner {

nlohmann::json batch_shape_to_json(const BatchShape& shape) {
    return {{"parallel", shape.parallel},         {"n_batch", shape.n_batch},
            {"n_ubatch", shape.n_ubatch},         {"threads", shape.threads},
            {"prefix_reuse", shape.prefix_reuse}, {"kv_unified", shape.kv_unified}};
}

Result<std::optional<BatchShape>> read_batch_shape(const std::filesystem::path& run_dir) {
    const auto path = run_dir / "config.json";
    auto text = read_file(path);
    if (!text.ok()) {
        if (text.error().code == ErrorCode::kNotFound) return std::optional<BatchShape>();
        return text.error();
    }
    const auto config = nlohmann::json::parse(text.value(), nullptr, false);
    if (config.is_discarded() || !config.is_object()) {
        return make_error(ErrorCode::kParse, path.string() + ": not valid JSON");
    }
    if (!config.contains("batch_shape")) return std::optional<BatchShape>();
    const auto& j = config["batch_shape"];
    BatchShape shape;
    for (const auto& [key, field] :
         {std::pair{"parallel", &shape.parallel}, std::pair{"n_batch", &shape.n_batch},
          std::pair{"n_ubatch", &shape.n_ubatch}, std::pair{"threads", &shape.threads}}) {
        if (!j.is_object() || !j.contains(key) || !j[key].is_number_integer() ||
            j[key].get<std::int64_t>() < 1 || j[key].get<std::int64_t>() > 1'000'000) {
            return make_error(ErrorCode::kParse,
                              fmt::format("{}: field \"batch_shape.{}\": expected a whole number "
                                          "from 1 to 1000000",
                                          path.string(), key));
        }
        *field = j[key].get<int>();
    }
    for (const auto& [key, field] : {std::pair{"prefix_reuse", &shape.prefix_reuse},
                                     std::pair{"kv_unified", &shape.kv_unified}}) {
        if (!j.contains(key)) continue;  // written before the field existed: false
        if (!j[key].is_boolean()) {
            return make_error(ErrorCode::kParse,
                              fmt::format("{}: field \"batch_shape.{}\": expected true or false",
                                          path.string(), key));
        }
        *field = j[key].get<bool>();
    }
    return std::optional<BatchShape>(shape);
}

Status record_batch_shape(const std::filesystem::path& run_dir, const BatchShape& shape) {
    return set_config_field(run_dir, "batch_shape", batch_shape_to_json(shape));
}

BatchShapeDecision decide_batch_shape(const std::string& parallel_flag, int threads_flag,
                                      const BatchShape& fresh,
                                      const std::optional<BatchShape>& recorded) {
    if (!recorded) return {fresh, ""};
    BatchShapeDecision d{*recorded, ""};
    auto warn = [&d](const std::string& w) { d.warning += (d.warning.empty() ? "" : "; ") + w; };
    if (parallel_flag != "auto" && fresh.parallel != recorded->parallel) {
        d.shape.parallel = fresh.parallel;
        warn(
            fmt::format("--parallel {}: this run started with --parallel {} (config.json "
                        "batch_shape); the remaining examples are batched differently, so greedy "
                        "answers may differ from an uninterrupted run (rerun with --parallel auto "
                        "or {} to keep the recorded shape)",
                        fresh.parallel, recorded->parallel, recorded->parallel));
    }
    if (threads_flag > 0 && fresh.threads != recorded->threads) {
        d.shape.threads = fresh.threads;
        warn(
            fmt::format("--threads {}: this run started with {} threads (config.json "
                        "batch_shape); greedy answers may differ from an uninterrupted run (rerun "
                        "with --threads 0 or {} to keep them)",
                        fresh.threads, recorded->threads, recorded->threads));
    } else if (threads_flag <= 0 && fresh.threads < recorded->threads) {
        d.shape.threads = fresh.threads;
        warn(
            fmt::format("this run started with {} threads (config.json batch_shape) but only {} "
                        "CPUs are available here, so it continues with {}; greedy answers may "
                        "differ from an uninterrupted run",
                        recorded->threads, fresh.threads, fresh.threads));
    }
    if (fresh.prefix_reuse != recorded->prefix_reuse) {
        warn(
            fmt::format("--prefix-reuse {0}: this run started with --prefix-reuse {1} "
                        "(config.json batch_shape) and continues with {1}, so its examples are "
                        "batched alike",
                        fresh.prefix_reuse ? "on" : "off", recorded->prefix_reuse ? "on" : "off"));
    }
    return d;
}

}  // namespace biomedq::runner
