// Hand-made stored runs and fidelity rows with known answers, for store, report and recommend tests
// (no model needed).
#pragma once

#include <string>
#include <vector>

#include "biomedq/store.h"

namespace biomedq::test {

// A task whose every selected example finished: `n_examples` of `n_examples`, no metrics or samples
// yet.
inline StoredTask complete_task(const std::string& task, const std::string& kind,
                                const std::string& primary_metric, int n_examples) {
    StoredTask t;
    t.task = task;
    t.kind = kind;
    t.primary_metric = primary_metric;
    t.n_examples = t.n_selected = n_examples;
    t.complete = true;
    return t;
}

// One pubmedqa-like task over 4 examples (gold yes, no, maybe, yes); the first `n_correct` answers
// are right and the rest wrong, so accuracy = n_correct / 4.
inline StoredRun hand_made_run(const std::string& model, const std::string& type, double bpw,
                               std::uint64_t bytes_peak, int n_correct) {
    static const std::vector<std::string> gold = {"yes", "no", "maybe", "yes"};
    static const std::vector<std::string> wrong = {"no", "yes", "no", "maybe"};
    StoredRun r;
    r.run_dir = "/runs/" + model + "-" + type;
    r.model_name = model;
    r.model_path = "/nonexistent/" + model + "-" + type + ".gguf";
    r.model_sha256 = "sha-" + model + "-" + type;
    r.quant_type = type;
    r.quant_label = type;
    r.bits_per_weight = bpw;
    r.prompt = "zero-shot";
    r.subset = "sample200";
    r.limit = 4;
    r.seed = 1234;
    r.ctx = 2048;
    r.bytes_weights = bytes_peak / 2;
    r.bytes_kv = bytes_peak / 4;
    r.bytes_compute = bytes_peak / 4;
    r.bytes_total_allocated = bytes_peak;
    r.bytes_peak = bytes_peak;
    r.examples_per_s = 16.0 / bpw;
    r.generated_tokens_per_s = 160.0 / bpw;
    StoredTask t = complete_task("pubmedqa", "mcqa", "accuracy", 4);
    const double acc = n_correct / 4.0;
    t.metrics = {{"accuracy", acc, std::max(0.0, acc - 0.25), std::min(1.0, acc + 0.25)}};
    t.metric_options.label_set = {"yes", "no", "maybe"};
    for (int i = 0; i < 4; ++i) {
        const bool right = i < n_correct;
        t.samples.push_back(StoredSample{"q" + std::to_string(i), i, right ? 1.0 : 0.0,
                                         Gold{{gold[i]}, {}},
                                         Prediction{true, {right ? gold[i] : wrong[i]}, {}, {}}});
    }
    r.tasks = {t};
    return r;
}

constexpr std::uint64_t kGiB = 1ull << 30;

// alpha: F16 10 GiB 4/4, Q8_0 6 GiB 4/4, Q4_K_M 4 GiB 3/4. beta: Q4_K_M only, 5 GiB, 2/4.
inline std::vector<StoredRun> hand_made_runs() {
    return {hand_made_run("alpha", "f16", 16.0, 10 * kGiB, 4),
            hand_made_run("alpha", "q8_0", 8.5, 6 * kGiB, 4),
            hand_made_run("alpha", "q4_k_m", 4.89, 4 * kGiB, 3),
            hand_made_run("beta", "q4_k_m", 4.89, 5 * kGiB, 2)};
}

// Fidelity of alpha's quantized files (matched by model_sha256): Q8_0 KL 0.01, top-1 99%; Q4_K_M KL
// 0.1, top-1 90%. beta has none.
inline QuantFidelity hand_made_fidelity_row(const std::string& type, double kl, double top1) {
    QuantFidelity f;
    f.source_sha256 = "sha-alpha-f16";
    f.model_sha256 = "sha-alpha-" + type;
    f.quant_type = type;
    f.text_sha256 = "text";
    f.text_description = "pubmedqa/sample200, up to 4096 tokens (ctx 512)";
    f.ctx = 512;
    f.n_tokens = 4088;
    f.n_chunks = 8;
    f.kl_mean = kl;
    f.kl_mean_se = kl / 10.0;
    f.kl_median = kl / 2.0;
    f.kl_p99 = kl * 5.0;
    f.kl_max = kl * 10.0;
    f.top1_agreement = top1;
    f.top1_se = 0.005;
    f.ppl_ratio = 1.0 + kl;
    f.ppl_ratio_se = 0.001;
    f.measured_at = "2026-01-02T03:04:05Z";
    return f;
}

inline std::vector<QuantFidelity> hand_made_fidelity() {
    return {hand_made_fidelity_row("q8_0", 0.01, 0.99), hand_made_fidelity_row("q4_k_m", 0.1, 0.9)};
}

}  // namespace biomedq::test
