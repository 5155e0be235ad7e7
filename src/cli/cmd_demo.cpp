// `biomedq demo`: the whole pipeline on a tiny random-weight model, with nothing to download:
// synthesize -> quantize to three types -> info -> grammar-constrained generation -> evaluation of
// all 8 tasks (a few examples each) at each quantization -> paired comparison against F16.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "biomedq/build_info.h"
#include "biomedq/engine.h"
#include "biomedq/quant.h"
#include "biomedq/runner.h"
#include "biomedq/task.h"
#include "cli/command.h"
#include "cli/interrupt.h"

namespace biomedq::cli {
namespace {

struct DemoOptions {
    std::string out = "demo-out";
    int limit = 3;
    std::string data_dir;
    bool skip_eval = false;
};

constexpr const char* kBanner =
    "==============================================================================\n"
    " biomedq demo - PIPELINE DEMONSTRATION WITH A RANDOM-WEIGHT MODEL\n"
    " The model below is synthesized with random weights: its text and its scores\n"
    " are meaningless. This shows every stage working end to end, not model quality.\n"
    "==============================================================================\n";

void heading(const std::string& text) { std::printf("\n## %s\n", text.c_str()); }

// 2. The source and its three quantized copies, source first.
Result<std::vector<std::filesystem::path>> quantize_demo_models(
    const std::filesystem::path& source, const std::filesystem::path& models) {
    std::vector<std::filesystem::path> files = {source};
    for (const char* name : {"q8_0", "q4_k_m", "q2_k"}) {
        BIOMEDQ_ASSIGN(const QuantType type, find_quant_type(name));
        const auto dst = quantized_output_path(source, models, type);
        BIOMEDQ_ASSIGN(const auto report, quantize_model(source, type, dst));
        std::printf("%-8s %8.2f MiB  %6.3f bits/weight  %7.0f ms\n", name,
                    static_cast<double>(report.bytes_file) / (1 << 20), report.bits_per_weight,
                    report.t_quantize_ms);
        files.push_back(dst);
    }
    return files;
}

// 3.
Status print_memory_estimates(const std::vector<std::filesystem::path>& files) {
    std::printf("%-22s %-18s %8s %10s %10s %10s\n", "file", "type", "bpw", "weights", "KV",
                "total");
    for (const auto& f : files) {
        BIOMEDQ_ASSIGN(const ModelInfo info, read_model_info(f));
        MemoryRequest req;
        req.ctx_per_seq = 2048;
        req.n_parallel = 4;
        const auto e = estimate_memory(info, req);
        std::printf("%-22s %-18s %8.3f %8.2fMiB %8.2fMiB %8.2fMiB\n", f.filename().c_str(),
                    info.file_type_name.c_str(), info.bits_per_weight,
                    static_cast<double>(e.bytes_weights_gpu + e.bytes_weights_host) / (1 << 20),
                    static_cast<double>(e.bytes_kv) / (1 << 20),
                    static_cast<double>(e.bytes_total()) / (1 << 20));
    }
    return Status::success();
}

// 4.
Status generate_constrained(const std::vector<std::filesystem::path>& files) {
    const std::string grammar = "root ::= \"yes\" | \"no\" | \"maybe\"\n";
    for (const auto& f : files) {
        EngineOptions eo;
        eo.model_path = f.string();
        eo.parallel = 2;
        eo.ctx_per_sequence = 512;
        BIOMEDQ_ASSIGN(auto engine, Engine::load(eo));
        BIOMEDQ_ASSIGN(
            std::string prompt,
            engine->render_chat(
                {{"user", "Does aspirin inhibit platelet aggregation? Answer yes, no or maybe."}}));
        GenerationRequest r;
        r.prompt = prompt;
        r.grammar = grammar;
        r.max_tokens = 8;
        std::string answer;
        BIOMEDQ_TRY(
            engine->generate({r}, [&](std::size_t, GenerationResult&& g) { answer = g.text; }));
        std::printf("%-22s -> \"%s\"\n", f.filename().c_str(), answer.c_str());
    }
    return Status::success();
}

// 5. Returns the run directories, in the order of `files`.
Result<std::vector<std::filesystem::path>> evaluate_models(
    const DemoOptions& o, const std::vector<std::filesystem::path>& files,
    const std::filesystem::path& out, const std::filesystem::path& data_dir) {
    const auto* cancel = install_interrupt_handler();
    std::vector<std::filesystem::path> runs;
    for (const auto& f : files) {
        RunConfig c;
        c.model_path = f.string();
        c.limit = o.limit;
        c.constrained = true;
        c.ctx_per_sequence = 2048;
        c.parallel = "8";
        c.data_dir = data_dir.string();
        c.progress = true;  // each model's evaluation takes tens of seconds on 2 cores: show it
        c.out_dir = (out / "runs" / f.stem()).string();
        std::printf("\n### %s\n", f.filename().c_str());
        BIOMEDQ_ASSIGN(const auto outcome, run_eval(c, cancel));
        std::printf("%s", outcome.summary_table.c_str());
        runs.push_back(c.out_dir);
    }
    return runs;
}

// 6.
Status compare_with_first(const std::vector<std::filesystem::path>& runs) {
    for (std::size_t i = 1; i < runs.size(); ++i) {
        BIOMEDQ_ASSIGN(const auto cmp, compare_runs(runs[0], runs[i], 1000));
        std::printf("\n### %s vs %s\n%s", runs[i].filename().c_str(), runs[0].filename().c_str(),
                    cmp.table.c_str());
    }
    return Status::success();
}

Status demo(const DemoOptions& o) {
    // Line by line even into a pipe or a log, so what was printed is in order with stderr's
    // progress and a step that dies leaves its heading behind.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::printf("%s", kBanner);
    const std::filesystem::path out(o.out);
    const auto models = out / "models";
    std::filesystem::create_directories(models);

    heading("1. Synthesize a tiny Llama-shaped model (real Llama-3 tokenizer, random weights)");
    const auto source = models / "tiny-F16.gguf";
    BIOMEDQ_TRY(synthesize_tiny_model(build_info::kLlamaSrcDir, source));
    std::printf("wrote %s\n", source.c_str());

    heading("2. Quantize to three llama.cpp types");
    BIOMEDQ_ASSIGN(const auto files, quantize_demo_models(source, models));
    heading("3. Model info and memory estimate (ctx 2048 x 4 sequences, from metadata only)");
    BIOMEDQ_TRY(print_memory_estimates(files));
    heading("4. Grammar-constrained generation (answer must be yes, no or maybe)");
    BIOMEDQ_TRY(generate_constrained(files));

    if (o.skip_eval) return Status::success();
    const auto data_dir =
        o.data_dir.empty() ? default_data_dir() : std::filesystem::path(o.data_dir);
    if (!std::filesystem::exists(data_dir)) {
        std::printf("\n(no data sets at %s: skipping the evaluation; pass --data-dir)\n",
                    data_dir.c_str());
        return Status::success();
    }
    heading("5. Evaluate all 8 tasks (" + std::to_string(o.limit) +
            " examples each, constrained output) per model");
    BIOMEDQ_ASSIGN(const auto runs, evaluate_models(o, files, out, data_dir));
    heading("6. Paired comparison against F16 (difference, 95% CI, p-value, agreement)");
    BIOMEDQ_TRY(compare_with_first(runs));
    std::printf(
        "\nRun directories (samples.jsonl, results.json) are under %s/runs.\n"
        "Reminder: random weights - the scores above are meaningless; the pipeline is what is "
        "shown.\n",
        out.c_str());
    return Status::success();
}

}  // namespace

void add_demo_command(CLI::App& app, CommandRun& chosen) {
    auto [sub, o] = add_command<DemoOptions>(
        app, chosen, "demo", "Run the whole pipeline on a tiny random-weight model (no downloads)",
        demo);
    sub->add_option("-o,--output", o->out, "Working folder for models and runs")
        ->capture_default_str();
    sub->add_option("--limit", o->limit, "Examples per task")->capture_default_str();
    sub->add_option("--data-dir", o->data_dir, "Data sets folder (default: ../shared/data)");
    sub->add_flag("--skip-eval", o->skip_eval, "Stop after generation (no data sets needed)");
}

}  // namespace biomedq::cli
