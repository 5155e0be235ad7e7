// The report's provenance header: what a reader needs to reproduce or cite its numbers (issue 18
// item 4). Each line lists the distinct values over the reported runs, so a mixed store says so.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <set>

#include "biomedq/report.h"
#include "core/text.h"
#include "core/utc_time.h"

namespace biomedq {
namespace {

std::string joined(std::set<std::string> values) {
    values.erase("");
    return values.empty() ? "unknown (runs imported before biomedq recorded it)"
                          : text::join(values, "; ");
}

std::string text_at(const nlohmann::json& j, const char* pointer) {
    const nlohmann::json::json_pointer p(pointer);
    return j.contains(p) && j[p].is_string() ? j[p].get<std::string>() : std::string();
}

std::string llama_cpp_of(const nlohmann::json& env) {
    const std::string tag = text_at(env, "/llama_cpp/tag");
    const std::string commit = text_at(env, "/llama_cpp/commit");
    const std::string backend = text_at(env, "/llama_cpp/backend");
    if (tag.empty() && commit.empty()) return "";
    return fmt::format("{} (commit {}, {} backend)", tag, commit.substr(0, 12),
                       backend.empty() ? "?" : backend);
}

std::string hardware_of(const nlohmann::json& env) {
    std::string out = text_at(env, "/cpu");
    if (env.contains("cpu_threads") && env["cpu_threads"].is_number_integer()) {
        out += fmt::format(" ({} threads)", env["cpu_threads"].get<int>());
    }
    if (env.contains("devices") && env["devices"].is_array()) {
        for (const auto& d : env["devices"]) {
            const std::string name =
                d.is_object() ? d.value("description", d.value("name", std::string())) : "";
            if (!name.empty()) out += (out.empty() ? "" : ", ") + name;
        }
    }
    return out;
}

}  // namespace

std::vector<ProvenanceItem> report_provenance(const std::vector<StoredRun>& runs,
                                              const std::string& protocol) {
    std::set<std::string> versions, llama, hardware, subsets, seeds, prompts, contexts, kv_types;
    std::string first, last;
    for (const auto& run : runs) {
        versions.insert(text_at(run.environment, "/biomedq_version"));
        llama.insert(llama_cpp_of(run.environment));
        hardware.insert(hardware_of(run.environment));
        subsets.insert(run.limit > 0 ? fmt::format("{}, first {} per task", run.subset, run.limit)
                                     : run.subset);
        seeds.insert(std::to_string(run.seed));
        prompts.insert(run.prompt);
        contexts.insert(std::to_string(run.ctx));
        kv_types.insert(run.kv_type);
        if (!run.finished_at.empty()) {
            if (first.empty() || run.finished_at < first) first = run.finished_at;
            if (last.empty() || run.finished_at > last) last = run.finished_at;
        }
    }
    const std::string generated = utc_timestamp_now();
    return {
        {"report generated", generated},
        {"runs", fmt::format("{} run{}{}", runs.size(), runs.size() == 1 ? "" : "s",
                             first.empty()   ? ""
                             : first == last ? ", finished " + first
                                             : ", finished " + first + " to " + last)},
        {"protocol", protocol},
        {"biomedq", joined(versions)},
        {"llama.cpp", joined(llama)},
        {"hardware", joined(hardware)},
        {"subset", joined(subsets)},
        {"prompt method", joined(prompts)},
        {"seed", joined(seeds)},
        {"context per sequence (tokens)", joined(contexts)},
        {"KV cache type", joined(kv_types)},
    };
}

}  // namespace biomedq
