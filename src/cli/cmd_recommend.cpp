// `biomedq recommend [results.sqlite] --gpu-memory 24GiB`: what to deploy under a memory budget.
#include <cstdio>
#include <iostream>
#include <memory>

#include "biomedq/build_info.h"
#include "biomedq/report.h"
#include "biomedq/store.h"
#include "biomedq/sweep.h"
#include "cli/command.h"
#include "runner/catalog_memory.h"

namespace biomedq::cli {

namespace {

// llama.cpp's answer for a catalog shape (synthesized zero-weight file, cached); nullopt where
// the pinned llama.cpp's vocab files are not on this machine or the simulation fails.
std::optional<MemoryEstimate> simulated_catalog_memory(const ModelShape& shape, std::uint32_t ctx) {
    MemoryRequest request;
    request.ctx_per_seq = ctx;
    request.n_gpu_layers = -1;
    auto sim = runner::simulate_catalog_shape(
        shape, request, std::filesystem::path(build_info::kLlamaSrcDir) / "models");
    if (!sim.ok()) return std::nullopt;
    if (!sim->cached) {
        std::fprintf(stderr, "biomedq: %s sized by llama.cpp (cached in %s)\n",
                     shape.display_name.c_str(), sim->cache_file.parent_path().c_str());
    }
    return sim->f16;
}

struct RecommendArgs {
    std::string store;
    std::string gpu_memory;
    std::string device_overhead = "612MiB";
    std::vector<std::string> tasks;
    RecommendOptions options;
    bool json = false;
    bool catalog_estimate = false;
};

// Loads the store (if any), ranks and prints.
Status run_recommend(const RecommendArgs& args) {
    RecommendOptions options = args.options;
    BIOMEDQ_ASSIGN(options.bytes_gpu_budget, parse_byte_size(args.gpu_memory));
    BIOMEDQ_ASSIGN(options.bytes_device_overhead,
                   parse_byte_size(args.device_overhead, "--device-overhead"));
    options.tasks = args.tasks;
    if (options.catalog && !args.catalog_estimate)
        options.catalog_memory = simulated_catalog_memory;
    options.estimate_memory = estimate_quantized_gpu_bytes;
    std::vector<StoredRun> runs;
    if (args.store.empty()) {
        if (!options.catalog) {
            return make_error(
                ErrorCode::kInvalidArgument,
                "give a result store (results.sqlite), or --catalog for estimates only");
        }
    } else {
        if (!std::filesystem::exists(args.store)) {
            return make_error(ErrorCode::kNotFound, args.store + ": no such result store");
        }
        BIOMEDQ_ASSIGN(ResultStore store, ResultStore::open(args.store));
        BIOMEDQ_ASSIGN(runs, store.load_runs(true));
    }
    BIOMEDQ_ASSIGN(const Recommendation rec, recommend(runs, options));
    if (args.json) {
        std::cout << rec.to_json().dump(2) << "\n";
    } else {
        std::cout << rec.to_text();
    }
    return Status::success();
}

}  // namespace

void add_recommend_command(CLI::App& app, CommandRun& chosen) {
    auto [sub, args] = add_command<RecommendArgs>(
        app, chosen, "recommend", "Rank the configurations that fit a GPU memory budget",
        run_recommend);
    sub->add_option("store", args->store, "Result store (results.sqlite); optional with --catalog");
    sub->add_option("--gpu-memory", args->gpu_memory,
                    "GPU memory budget, e.g. 24GiB, 24GB, 24000MiB")
        ->required();
    sub->add_option("--tasks", args->tasks, "Tasks to rank by (default: all stored)")
        ->delimiter(',');
    sub->add_option("--protocol", args->options.protocol,
                    "Rank the runs of this benchmark protocol (biomedq | chen2025); needed when "
                    "the store holds both");
    sub->add_option("--max-drop", args->options.max_drop,
                    "Exclude configurations losing more than this against full precision "
                    "(negative: no limit)")
        ->capture_default_str();
    sub->add_flag("--catalog", args->options.catalog,
                  "Also answer for the built-in catalog of model shapes");
    sub->add_option("--ctx", args->options.ctx_per_sequence, "Context per sequence for estimates")
        ->capture_default_str();
    sub->add_option("--device-overhead", args->device_overhead,
                    "Device runtime memory added to each catalog estimate (the CUDA context; "
                    "612MiB measured on an "
                    "H200 with CUDA 13; 0B for none)")
        ->capture_default_str();
    sub->add_flag("--catalog-estimate", args->catalog_estimate,
                  "With --catalog: the formula only, no llama.cpp simulation of zero-weight files "
                  "(which takes "
                  "seconds per shape the first time, then is cached per llama.cpp version)");
    sub->add_flag("--json", args->json, "Print JSON");
}

}  // namespace biomedq::cli
