// `biomedq eval`, `biomedq rescore`, `biomedq compare`.
#include <cstdio>
#include <iostream>
#include <memory>

#include "biomedq/engine.h"
#include "biomedq/runner.h"
#include "cli/command.h"
#include "cli/interrupt.h"
#include "cli/spec_flags.h"
#include "core/did_you_mean.h"
#include "core/file_io.h"

namespace biomedq::cli {
namespace {

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const auto end = std::min(s.find(',', start), s.size());
        if (end > start) out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

int run_eval_command(RunConfig config, const std::string& tasks) {
    // "all": the 8 benchmarks, which every protocol defines (RunConfig's default list).
    if (!tasks.empty() && tasks != "all") config.tasks = split_commas(tasks);
    const auto* cancel = install_interrupt_handler();
    auto outcome = run_eval(config, cancel);
    if (!outcome.ok()) {
        if (outcome.error().code == ErrorCode::kCancelled) {
            std::fprintf(
                stderr,
                "biomedq: interrupted; finished examples are in %s/samples.jsonl — rerun the same "
                "command to resume\n",
                config.out_dir.c_str());
            return interrupted_exit_code();
        }
        return report_error(outcome.error());
    }
    std::cout << outcome->summary_table;
    std::fprintf(stderr, "biomedq: %zu examples (%zu resumed, %zu run); results in %s\n",
                 outcome->n_examples_total, outcome->n_examples_resumed, outcome->n_examples_run,
                 outcome->results_path.c_str());
    return 0;
}

// --prefix-reuse, --batch and --ubatch: how the in-process backend decodes. Returns the
// --prefix-reuse value ("on" or "off"), read into the config when the command runs.
std::shared_ptr<std::string> add_decoding_flags(CLI::App& sub, RunConfig& config) {
    auto prefix_reuse = std::make_shared<std::string>("on");
    sub.add_option("--prefix-reuse", *prefix_reuse,
                   "Decode prompt prefixes shared by several requests once (instruction, chat "
                   "header, fixed shots, a question shared by its options): on or off")
        ->check(CLI::IsMember({"on", "off"}))
        ->capture_default_str();
    sub.add_flag(
        "--kv-unified", config.kv_unified,
        "One KV buffer for all sequences: shared prefixes cost no copy and micro-batches "
        "fill with any sequences' tokens, but each token attends over all sequences' cells");
    sub.add_option("--batch", config.n_batch,
                   "Tokens per llama_decode call (0: 4096 on a GPU, 2048 on the CPU)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    sub.add_option("--ubatch", config.n_ubatch,
                   "Micro-batch the device computes at once (0: 2048 on a GPU, 512 on the CPU); "
                   "larger needs a larger compute buffer, which --parallel auto counts")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    return prefix_reuse;
}

}  // namespace

void add_eval_command(CLI::App& app, CommandRun& chosen) {
    auto c = std::make_shared<RunConfig>();
    auto tasks = std::make_shared<std::string>();
    CLI::App* sub = app.add_subcommand("eval", "Evaluate a model on biomedical tasks (resumable)");
    sub->add_option("-m,--model", c->model_path, "Model file (GGUF); not needed with --endpoint");
    sub->add_option("--tasks", *tasks,
                    "Comma-separated task names (see `biomedq tasks`), or all: the 8 benchmarks")
        ->default_str("all");
    add_spec_flags(*sub, *c);
    sub->add_option("--gpu-layers", c->gpu_layers, "Layers on the GPU, also -ngl (-1: all)")
        ->capture_default_str();
    sub->add_option("--parallel", c->parallel,
                    "Sequences decoded together, or auto (largest that fits)")
        ->capture_default_str();
    sub->add_option("--threads", c->threads,
                    "CPU threads (0: every CPU this process may use; BIOMEDQ_THREADS overrides)")
        ->capture_default_str();
    auto prefix_reuse = add_decoding_flags(*sub, *c);
    sub->add_option("--bootstrap", c->bootstrap_resamples, "Bootstrap resamples for CIs")
        ->capture_default_str();
    sub->add_option("--data-dir", c->data_dir,
                    "Data sets folder (default: ../shared/data or $BIOMEDQ_DATA_DIR)");
    sub->add_option("--tasks-dir", c->tasks_dir,
                    "Task definitions folder (default: the shipped tasks/)");
    sub->add_option("-o,--output", c->out_dir,
                    "Run directory (rerun to resume; --out is accepted too)")
        ->required();
    sub->add_option("--endpoint", c->endpoints,
                    "OpenAI-compatible server URL, e.g. http://127.0.0.1:8080/v1 (repeat to spread "
                    "requests over "
                    "several servers); replaces --model");
    sub->add_option("--model-name", c->model_name,
                    "Model name the servers expect (default: the first in /v1/models)");
    sub->add_option("--endpoint-concurrency", c->endpoint_concurrency,
                    "Requests in flight per endpoint")
        ->capture_default_str();
    sub->add_option("--timeout", c->request_timeout_s, "Seconds per HTTP request attempt")
        ->capture_default_str();
    sub->add_option("--endpoint-outage-timeout", c->endpoint_outage_timeout_s,
                    "Seconds every endpoint may stay unreachable before the run stops (non-zero "
                    "exit, results.json "
                    "incomplete; rerun to finish)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    sub->add_flag("--allow-remote", c->allow_remote,
                  "Allow endpoints / RPC servers outside loopback and private networks (the API "
                  "key comes from "
                  "$BIOMEDQ_API_KEY or $OPENAI_API_KEY)");
    auto rpc = std::make_shared<std::string>();
    sub->add_option(
        "--rpc", *rpc,
        "Comma-separated host:port of llama.cpp rpc-server instances to offload layers to "
        "(unauthenticated protocol: trusted networks only)");
    auto quiet = std::make_shared<bool>(false);
    sub->add_flag("--quiet", *quiet, "No progress on stderr");
    sub->add_flag("--verbose", c->verbose, "Show llama.cpp's log");
    sub->callback([c, tasks, quiet, rpc, prefix_reuse, &chosen] {
        if (c->model_path.empty() && c->endpoints.empty()) {
            throw CLI::RequiredError("--model (or --endpoint)");
        }
        if (!c->model_path.empty() && !c->endpoints.empty()) {
            throw CLI::ValidationError("--model", "give either --model or --endpoint, not both");
        }
        c->rpc_servers = split_commas(*rpc);
        c->progress = !*quiet;
        c->prefix_reuse = *prefix_reuse == "on";
        chosen = [c, tasks] { return run_eval_command(*c, *tasks); };
    });
}

void add_rescore_command(CLI::App& app, CommandRun& chosen) {
    auto dir = std::make_shared<std::string>();
    CLI::App* sub = app.add_subcommand(
        "rescore", "Re-parse and re-score a run's saved outputs (no model needed)");
    sub->add_option("run_dir", *dir, "Run directory")->required();
    sub->callback([dir, &chosen] {
        chosen = [dir] {
            auto outcome = rescore_run(*dir);
            if (!outcome.ok()) return report_error(outcome.error());
            std::cout << outcome->summary_table;
            std::fprintf(stderr, "biomedq: %zu examples rescored; results in %s\n",
                         outcome->n_examples_total, outcome->results_path.c_str());
            return 0;
        };
    });
}

void add_compare_command(CLI::App& app, CommandRun& chosen) {
    auto a = std::make_shared<std::string>();
    auto b = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto resamples = std::make_shared<int>(1000);
    CLI::App* sub =
        app.add_subcommand("compare", "Paired comparison of two runs on the same examples (B - A)");
    sub->add_option("run_a", *a, "Baseline run directory (e.g. the full-precision model)")
        ->required();
    sub->add_option("run_b", *b, "Run to compare (e.g. a quantized model)")->required();
    sub->add_option("--bootstrap", *resamples, "Paired bootstrap resamples")->capture_default_str();
    sub->add_flag("--json", *json, "Print the comparison as JSON");
    sub->callback([a, b, json, resamples, &chosen] {
        chosen = [a, b, json, resamples] {
            auto c = compare_runs(*a, *b, *resamples);
            if (!c.ok()) return report_error(c.error());
            std::cout << (*json ? c->json.dump(2) + "\n" : c->table);
            return 0;
        };
    });
}

}  // namespace biomedq::cli
