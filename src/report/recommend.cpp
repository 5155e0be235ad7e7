// recommend: which stored configuration to deploy under a GPU memory budget, and what it costs.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "biomedq/report.h"
#include "core/text.h"
#include "report/reference_run.h"

namespace biomedq {
namespace {

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Mean over tasks of a per-task value with a CI: the CI half-widths are combined as if the tasks
// were independent (root of the sum of squares, divided by the number of tasks).
struct Combined {
    double value = 0, low = 0, high = 0;
};
Combined combine(const std::vector<Combined>& parts) {
    Combined out;
    if (parts.empty()) return out;
    double lo2 = 0, hi2 = 0;
    for (const auto& p : parts) {
        out.value += p.value;
        lo2 += (p.value - p.low) * (p.value - p.low);
        hi2 += (p.high - p.value) * (p.high - p.value);
    }
    const double n = static_cast<double>(parts.size());
    out.value /= n;
    out.low = out.value - std::sqrt(lo2) / n;
    out.high = out.value + std::sqrt(hi2) / n;
    return out;
}

Result<Candidate> measured_candidate(const std::vector<StoredRun>& runs, const StoredRun& run,
                                     const std::vector<std::string>& tasks,
                                     const RecommendOptions& options) {
    Candidate c;
    c.model = run.model_name;
    c.quant_type = run.quant_type;
    c.prompt = run.prompt;
    c.measured = true;
    c.tasks = tasks;
    c.bytes_memory = run.bytes_peak;
    c.fits = run.bytes_peak <= options.bytes_gpu_budget;
    std::vector<Combined> scores, drops;
    const StoredRun* ref = report::full_precision_reference(runs, run);
    c.has_reference = ref != nullptr;
    for (const auto& name : tasks) {
        const StoredTask* t = run.task(name);
        const MetricValue* m = t->primary();
        scores.push_back(m ? Combined{m->value, m->ci_low, m->ci_high} : Combined{});
        if (ref && ref != &run) {
            const StoredTask* rt = ref->task(name);
            if (!rt) {
                c.has_reference = false;
                continue;
            }
            BIOMEDQ_ASSIGN(auto paired, report::paired_against_reference(
                                            *rt, *t, options.bootstrap_resamples, options.seed));
            // drop = reference - run, so flip the paired difference (run - reference) and its CI.
            drops.push_back({-paired.difference.difference, -paired.difference.ci_high,
                             -paired.difference.ci_low});
        }
    }
    const Combined s = combine(scores);
    c.score = s.value;
    c.ci_low = s.low;
    c.ci_high = s.high;
    if (c.has_reference && ref != &run) {
        const Combined d = combine(drops);
        c.drop = d.value;
        c.drop_ci_low = d.low;
        c.drop_ci_high = d.high;
        c.significant = d.low > 0 || d.high < 0;
    }
    c.within_max_drop =
        options.max_drop < 0 || !c.has_reference || c.drop <= options.max_drop + 1e-12;
    return c;
}

// Memory-only candidates: quantization types of stored models that have not been run, estimated
// from the full-precision source file (when it is still on disk).
void add_estimates(const std::vector<StoredRun>& runs, const RecommendOptions& options,
                   Recommendation& out) {
    std::map<std::string, const StoredRun*> sources;
    std::map<std::string, std::set<std::string>> measured;
    for (const auto& r : runs) {
        measured[r.model_name].insert(r.quant_type);
        if (r.full_precision() && std::filesystem::exists(r.model_path))
            sources.emplace(r.model_name, &r);
    }
    if (!options.estimate_memory) return;
    for (const auto& [model, source] : sources) {
        for (const auto& type : options.estimate_types) {
            if (measured[model].count(type)) continue;
            auto memory =
                options.estimate_memory(source->model_path, type, options.ctx_per_sequence);
            if (!memory.ok()) continue;  // an unreadable source only loses its estimates
            Candidate c;
            c.model = model;
            c.quant_type = type;
            c.bytes_memory = *memory;
            c.fits = c.bytes_memory <= options.bytes_gpu_budget;
            out.estimated.push_back(c);
        }
    }
}

std::vector<CatalogFit> catalog_fits(const RecommendOptions& options) {
    std::vector<CatalogFit> out;
    const auto ctx = static_cast<std::uint32_t>(options.ctx_per_sequence);
    auto gpu_bytes = [&](const ModelInfo& info, std::uint32_t c) {
        MemoryRequest request;
        request.ctx_per_seq = c;
        request.n_parallel = 1;
        request.n_gpu_layers = -1;
        return estimate_memory(info, request).bytes_gpu() + options.bytes_device_overhead;
    };
    for (const auto& shape : model_catalog()) {
        if (shape.base == "test shape") continue;
        CatalogFit fit;
        fit.model = shape.display_name;
        fit.base = shape.base;
        std::map<std::string, ModelInfo> infos;
        // llama.cpp's KV cache and compute buffer for the shape at ctx, where it can simulate one.
        const std::optional<MemoryEstimate> simulated =
            options.catalog_memory ? options.catalog_memory(shape, ctx) : std::nullopt;
        for (const auto& type : quant_types()) {
            // f32 and bf16 only restate f16's size (or double it): no deployment choice.
            if (type.name == "f32" || type.name == "bf16") continue;
            ModelInfo info = model_info_for_shape(shape, type);
            CatalogTypeFit t;
            t.type = type.name;
            t.needs_imatrix = type.needs_imatrix;
            t.bytes_file = info.bytes_file;
            t.bytes_gpu = gpu_bytes(info, ctx);
            if (simulated) {
                // This type's weights by llama.cpp's quantization rules, placed as the simulation
                // placed F16's (token_embd on the host); the rest is the type-independent part
                // llama.cpp sized.
                MemoryRequest request;
                request.ctx_per_seq = ctx;
                request.n_gpu_layers = -1;
                t.bytes_gpu = estimate_memory(info, request).bytes_weights_gpu +
                              simulated->bytes_kv_gpu + simulated->bytes_compute +
                              options.bytes_device_overhead;
                t.memory_source = "simulation";
            }
            t.fits = t.bytes_gpu <= options.bytes_gpu_budget;
            t.bytes_margin = static_cast<std::int64_t>(options.bytes_gpu_budget) -
                             static_cast<std::int64_t>(t.bytes_gpu);
            fit.types.push_back(t);
            infos.emplace(type.name, std::move(info));
        }
        std::stable_sort(fit.types.begin(), fit.types.end(),
                         [](const CatalogTypeFit& a, const CatalogTypeFit& b) {
                             return a.bytes_file > b.bytes_file;
                         });
        if (fit.types.empty()) continue;
        fit.smallest_type = fit.types.back().type;
        fit.bytes_smallest = fit.types.back().bytes_gpu;
        for (const auto& t : fit.types) {
            if (!t.fits) continue;
            fit.best_type = t.type;
            fit.bytes_best = t.bytes_gpu;
            // Capped at the trained context: beyond it quality is not what the model was built for.
            const std::uint32_t limit = shape.n_ctx_train ? shape.n_ctx_train : 131072;
            std::uint32_t best_ctx = 0;
            for (std::uint32_t c = 256; c <= limit; c = c < 4096 ? c * 2 : c + 4096) {
                if (gpu_bytes(infos.at(t.type), c) > options.bytes_gpu_budget) break;
                best_ctx = c;
            }
            fit.max_ctx = best_ctx;
            break;
        }
        out.push_back(fit);
    }
    return out;
}

std::string imatrix_note(const std::string& model, const std::string& type) {
    return fmt::format(
        "needs an importance matrix: biomedq imatrix --model {0}-F16.gguf --task <tasks> -o "
        "{0}.imatrix, "
        "then biomedq quantize {0}-F16.gguf --types {1} --imatrix {0}.imatrix",
        model, type);
}

// -x without a negative zero (fmt prints -0.0 as "-0.000").
double negated(double x) { return -x + 0.0; }

// "loses 0.067 (95% CI 0.020 to 0.148), which is statistically significant", or "gains ..." when
// the quantized model scored higher: drop is full precision - this, so a negative drop is a gain,
// and its CI flips with it.
std::string change_words(const Candidate& c) {
    const std::string significance = c.significant ? "which is statistically significant"
                                                   : "which is not statistically significant";
    if (c.drop > 0) {
        return fmt::format("loses {:.3f} (95% CI {:.3f} to {:.3f}), {}", c.drop, c.drop_ci_low,
                           c.drop_ci_high, significance);
    }
    if (c.drop < 0) {
        return fmt::format("gains {:.3f} (95% CI {:.3f} to {:.3f}), {}", negated(c.drop),
                           negated(c.drop_ci_high), negated(c.drop_ci_low), significance);
    }
    return fmt::format("scores the same on average (difference 0.000, 95% CI {:.3f} to {:.3f}), {}",
                       negated(c.drop_ci_high), negated(c.drop_ci_low), significance);
}

std::string explain(const Recommendation& rec) {
    const auto& o = rec.options;
    if (rec.ranked.empty() && rec.excluded.empty()) {
        return std::string("No measured runs: ") +
               (o.catalog ? "the catalog above answers the memory half only (estimates from "
                            "published shapes). "
                          : "") +
               "Run `biomedq sweep` to know what each configuration scores.";
    }
    if (rec.ranked.empty()) {
        std::string s =
            fmt::format("No measured configuration fits {} ", format_bytes(o.bytes_gpu_budget));
        s += o.max_drop >= 0
                 ? fmt::format("while losing at most {:.3f} against full precision.", o.max_drop)
                 : ".";
        const Candidate* best_estimate = nullptr;
        for (const auto& c : rec.estimated) {
            if (c.fits && (!best_estimate || c.bytes_memory > best_estimate->bytes_memory))
                best_estimate = &c;
        }
        if (best_estimate) {
            s += fmt::format(
                " From the model file alone (an estimate, not measured), {} at {} would need {} "
                "and fits; "
                "run it to know its score.",
                best_estimate->model, upper(best_estimate->quant_type),
                format_bytes(best_estimate->bytes_memory));
        }
        return s;
    }
    const Candidate& c = rec.ranked.front();
    const std::string tasks = text::join(c.tasks, ", ");
    std::string s = fmt::format(
        "Deploy {} at {} with {} prompting: expected score {:.3f} (95% CI {:.3f} to {:.3f}; mean "
        "primary metric over {}). "
        "It needs {} (measured peak) of the {} budget, leaving {} headroom.",
        c.model, upper(c.quant_type), c.prompt, c.score, c.ci_low, c.ci_high, tasks,
        format_bytes(c.bytes_memory), format_bytes(o.bytes_gpu_budget),
        format_bytes(o.bytes_gpu_budget - c.bytes_memory));
    if (c.quant_type == "f16" || c.quant_type == "bf16" || c.quant_type == "f32") {
        s += " This is the model at full precision, so nothing is lost to quantization.";
    } else if (!c.has_reference) {
        s += fmt::format(
            " No full-precision run of {} is stored, so what quantization costs is unknown.",
            c.model);
    } else {
        s += " Against " + c.model + " at full precision it " + change_words(c) + ".";
    }
    return s;
}

}  // namespace

Result<Recommendation> recommend(const std::vector<StoredRun>& all_runs,
                                 const RecommendOptions& options) {
    BIOMEDQ_ASSIGN(const std::vector<StoredRun> runs,
                   runs_of_one_protocol(all_runs, options.protocol));
    Recommendation rec;
    rec.options = options;
    std::set<std::string> known;
    for (const auto& r : runs) {
        for (const auto& t : r.tasks) known.insert(t.task);
    }
    std::vector<std::string> tasks = options.tasks.empty()
                                         ? std::vector<std::string>(known.begin(), known.end())
                                         : options.tasks;
    for (const auto& t : tasks) {
        if (!known.count(t)) {
            const std::string names = text::join(known, ", ");
            return make_error(ErrorCode::kInvalidArgument,
                              "--tasks: no stored run has task \"" + t +
                                  "\"; stored tasks: " + (names.empty() ? "none" : names));
        }
    }
    rec.options.tasks = tasks;
    for (const auto& run : runs) {
        const bool has_all = std::all_of(tasks.begin(), tasks.end(),
                                         [&](const std::string& t) { return run.task(t); });
        if (!has_all || tasks.empty()) continue;
        BIOMEDQ_ASSIGN(Candidate c, measured_candidate(runs, run, tasks, options));
        (c.fits && c.within_max_drop ? rec.ranked : rec.excluded).push_back(std::move(c));
    }
    std::stable_sort(rec.ranked.begin(), rec.ranked.end(),
                     [](const Candidate& a, const Candidate& b) {
                         if (a.score != b.score) return a.score > b.score;
                         return a.bytes_memory < b.bytes_memory;
                     });
    add_estimates(runs, options, rec);
    if (options.catalog) rec.catalog = catalog_fits(options);
    rec.explanation = explain(rec);
    return rec;
}

nlohmann::json Recommendation::to_json() const {
    auto candidate_json = [](const Candidate& c) {
        nlohmann::json j = {{"model", c.model},
                            {"quant_type", c.quant_type},
                            {"measured", c.measured},
                            {"bytes_memory", c.bytes_memory},
                            {"fits", c.fits}};
        if (c.measured) {
            j["prompt"] = c.prompt;
            j["tasks"] = c.tasks;
            j["score"] = c.score;
            j["ci_low"] = c.ci_low;
            j["ci_high"] = c.ci_high;
            j["has_reference"] = c.has_reference;
            if (c.has_reference) {
                j["drop"] = c.drop;
                j["drop_ci_low"] = c.drop_ci_low;
                j["drop_ci_high"] = c.drop_ci_high;
                j["significant"] = c.significant;
                const std::string label = significance_label(negated(c.drop), c.significant);
                j["significance"] = label.empty() ? "not significant" : label;
            }
            j["within_max_drop"] = c.within_max_drop;
        } else {
            j["memory_source"] = "estimate from the full-precision file's metadata";
        }
        return j;
    };
    nlohmann::json j = {{"bytes_gpu_budget", options.bytes_gpu_budget},
                        {"tasks", options.tasks},
                        {"max_drop", options.max_drop},
                        {"ctx", options.ctx_per_sequence},
                        {"explanation", explanation},
                        {"ranked", nlohmann::json::array()},
                        {"excluded", nlohmann::json::array()},
                        {"estimated", nlohmann::json::array()}};
    for (const auto& c : ranked) j["ranked"].push_back(candidate_json(c));
    for (const auto& c : excluded) j["excluded"].push_back(candidate_json(c));
    for (const auto& c : estimated) j["estimated"].push_back(candidate_json(c));
    if (options.catalog) {
        j["catalog"] = nlohmann::json::array();
        j["catalog_ctx"] = options.ctx_per_sequence;
        j["bytes_device_overhead"] = options.bytes_device_overhead;
        for (const auto& f : catalog) {
            nlohmann::json types = nlohmann::json::array();
            for (const auto& t : f.types) {
                nlohmann::json tj = {{"type", t.type},
                                     {"bytes_file", t.bytes_file},
                                     {"bytes_gpu", t.bytes_gpu},
                                     {"fits", t.fits},
                                     {"bytes_margin", t.bytes_margin},
                                     {"needs_imatrix", t.needs_imatrix},
                                     {"memory_source", t.memory_source}};
                if (t.needs_imatrix) tj["note"] = imatrix_note(f.model, t.type);
                types.push_back(std::move(tj));
            }
            j["catalog"].push_back({{"model", f.model},
                                    {"base", f.base},
                                    {"best_type", f.best_type},
                                    {"bytes_best", f.bytes_best},
                                    {"max_ctx", f.max_ctx},
                                    {"smallest_type", f.smallest_type},
                                    {"bytes_smallest", f.bytes_smallest},
                                    {"types", types}});
        }
    }
    return j;
}

namespace {

// The catalog's answer per model shape: the best type that fits, its margin, and every type that
// fits.
std::string catalog_text(const std::vector<CatalogFit>& catalog, const RecommendOptions& options) {
    std::string out;
    out += fmt::format(
        "Catalog (at ctx {}, full offload, one sequence; KV cache and compute buffer from "
        "llama.cpp's "
        "simulation of a zero-weight file where marked ~, else the formula; GPU figures "
        "include {} of "
        "device runtime overhead, measured on an H200):\n",
        options.ctx_per_sequence, format_bytes(options.bytes_device_overhead));
    out += fmt::format("  {:<20} {:<10} {:>12} {:>12} {:>10}   {}\n", "model", "best fit", "memory",
                       "margin", "max ctx", "smallest type needs");
    bool any_imatrix = false;
    for (const auto& f : catalog) {
        std::string margin = "-";
        for (const auto& t : f.types) {
            if (t.type == f.best_type)
                margin = format_bytes(static_cast<std::uint64_t>(t.bytes_margin));
        }
        const bool simulated = !f.types.empty() && f.types.front().memory_source == "simulation";
        out += fmt::format("  {:<20} {:<10} {:>12} {:>12} {:>10}   {} {}\n",
                           (simulated ? "~" : "") + f.model,
                           f.best_type.empty() ? "none" : upper(f.best_type),
                           f.best_type.empty() ? "-" : format_bytes(f.bytes_best), margin,
                           f.best_type.empty() ? "-" : std::to_string(f.max_ctx),
                           upper(f.smallest_type), format_bytes(f.bytes_smallest));
        std::string fitting;
        for (const auto& t : f.types) {
            if (!t.fits) continue;
            fitting += fmt::format("{}{}{} ({} left)", fitting.empty() ? "" : ", ", upper(t.type),
                                   t.needs_imatrix ? "*" : "",
                                   format_bytes(static_cast<std::uint64_t>(t.bytes_margin)));
            any_imatrix = any_imatrix || t.needs_imatrix;
        }
        if (!fitting.empty()) out += "      fits: " + fitting + "\n";
    }
    if (any_imatrix) {
        out +=
            "  * needs an importance matrix: `biomedq imatrix --model MODEL-F16.gguf --task "
            "... -o m.imatrix`, then\n"
            "    `biomedq quantize MODEL-F16.gguf --types TYPE --imatrix m.imatrix`\n";
    }
    out += "\n";
    return out;
}

}  // namespace

std::string Recommendation::to_text() const {
    std::string out =
        fmt::format("GPU memory budget: {}\n\n", format_bytes(options.bytes_gpu_budget));
    if (!ranked.empty() || !excluded.empty()) {
        out +=
            fmt::format("{:<4} {:<22} {:<8} {:<12} {:>24} {:>12}  {}\n", "rank", "model", "quant",
                        "prompt", "score [95% CI]", "peak", "change vs full precision [95% CI]");
        int rank = 0;
        auto line = [&](const Candidate& c, const std::string& tag) {
            // The change is this - full precision (as in compare and the report), so + is better.
            const std::string label = significance_label(negated(c.drop), c.significant);
            const std::string change =
                !c.has_reference ? "unknown"
                : (c.quant_type == "f16" || c.quant_type == "bf16" || c.quant_type == "f32")
                    ? "reference"
                    : fmt::format("{:+.3f} [{:+.3f},{:+.3f}]{}", negated(c.drop),
                                  negated(c.drop_ci_high), negated(c.drop_ci_low),
                                  label.empty() ? "" : " " + label);
            out += fmt::format("{:<4} {:<22} {:<8} {:<12} {:>24} {:>12}  {}\n", tag, c.model,
                               upper(c.quant_type), c.prompt,
                               fmt::format("{:.3f} [{:.3f}, {:.3f}]", c.score, c.ci_low, c.ci_high),
                               format_bytes(c.bytes_memory), change);
        };
        for (const auto& c : ranked) line(c, std::to_string(++rank));
        for (const auto& c : excluded) line(c, c.fits ? "drop" : "big");
        out +=
            "(drop: loses more than --max-drop; big: over the budget; significant gain / loss: the "
            "95% CI of the "
            "change excludes 0, better / worse than full precision)\n\n";
    }
    if (!estimated.empty()) {
        out += "Not run yet (memory estimated from the model file, no score):\n";
        for (const auto& c : estimated) {
            out += fmt::format("  {:<22} {:<8} {:>12}  {}\n", c.model, upper(c.quant_type),
                               format_bytes(c.bytes_memory), c.fits ? "fits" : "does not fit");
        }
        out += "\n";
    }
    if (options.catalog) out += catalog_text(catalog, options);
    return out + explanation + "\n";
}

}  // namespace biomedq
