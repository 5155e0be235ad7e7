#include <gtest/gtest.h>

#include "store/sweep_file_test.h"

namespace biomedq {
namespace {

class SweepSpecTest : public test::SweepFileTest {
protected:
    SweepSpecTest() : SweepFileTest("sweep_spec") {}
    Result<SweepSpec> parse(const std::string& yaml) { return parse_yaml(yaml); }
    std::string error_of(const std::string& yaml) {
        auto r = parse(yaml);
        return r.ok() ? std::string("(parsed)") : r.error().message;
    }
};

TEST_F(SweepSpecTest, ReadsEveryFieldAndResolvesPaths) {
    auto spec = parse(
        "models:\n  - {name: tiny, path: m.gguf}\nquant_types: [Q8_0, q4_k_m, q8_0]\ntasks: "
        "[pubmedqa, ddi]\n"
        "prompts: [zero-shot, 'few-shot:1']\nlimit: 2\nseed: 9\nctx: 1024\nparallel: 3\nout: "
        "results\n");
    ASSERT_TRUE(spec.ok()) << spec.error().message;
    ASSERT_EQ(spec->models.size(), 1u);
    EXPECT_EQ(spec->models[0].name, "tiny");
    EXPECT_EQ(spec->models[0].path, dir_ / "m.gguf");
    EXPECT_EQ(spec->quant_types,
              (std::vector<std::string>{"q8_0", "q4_k_m"}));  // lower case, deduplicated
    EXPECT_EQ(spec->tasks, (std::vector<std::string>{"pubmedqa", "ddi"}));
    EXPECT_EQ(spec->prompts, (std::vector<std::string>{"zero-shot", "few-shot:1"}));
    EXPECT_EQ(spec->limit, 2);
    EXPECT_EQ(spec->seed, 9u);
    EXPECT_EQ(spec->ctx_per_sequence, 1024);
    EXPECT_EQ(spec->parallel, "3");
    EXPECT_EQ(spec->out_dir, dir_ / "results");
    EXPECT_EQ(spec->subset, "sample200");
    EXPECT_TRUE(spec->fidelity);  // on by default: 4096 tokens in chunks of 512
    EXPECT_EQ(spec->fidelity_tokens, 4096);
    EXPECT_EQ(spec->fidelity_ctx, 512);
}

TEST_F(SweepSpecTest, FidelityBudgetOrOff) {
    const std::string head =
        "models:\n  - {name: tiny, path: m.gguf}\nquant_types: [q8_0]\ntasks: [ddi]\n";
    auto spec = parse(head + "fidelity: {tokens: 1024, ctx: 256}\n");
    ASSERT_TRUE(spec.ok()) << spec.error().message;
    EXPECT_TRUE(spec->fidelity);
    EXPECT_EQ(spec->fidelity_tokens, 1024);
    EXPECT_EQ(spec->fidelity_ctx, 256);
    EXPECT_FALSE(parse(head + "fidelity: off\n")->fidelity);
    EXPECT_FALSE(parse(head + "fidelity: false\n")->fidelity);
    EXPECT_FALSE(parse(head + "fidelity: {tokens: 0}\n")->fidelity);
    const std::string file = (dir_ / "sweep.yaml").string();
    EXPECT_EQ(error_of(head + "fidelity: {tokens: 64, ctx: 8}\n"),
              file + ":5: field \"fidelity.ctx\": expected at least 16 tokens");
    EXPECT_EQ(error_of(head + "fidelity: {chunks: 3}\n"),
              file + ":5: field \"fidelity.chunks\": unknown key; expected \"tokens\" or \"ctx\"");
    EXPECT_EQ(error_of(head + "fidelity: sometimes\n"),
              file +
                  ":5: field \"fidelity\": expected off, on, or a map {tokens: N, ctx: N}, got "
                  "\"sometimes\"");
}

TEST_F(SweepSpecTest, KvCacheTypeIsOneOfLlamaCppsWithAHint) {
    const std::string head =
        "models:\n  - {name: tiny, path: m.gguf}\nquant_types: [q8_0]\ntasks: [ddi]\n";
    EXPECT_EQ(parse(head)->kv_type, "f16");
    EXPECT_EQ(parse(head + "kv_type: q8_0\n")->kv_type, "q8_0");
    EXPECT_EQ(error_of(head + "kv_type: q8\n"),
              (dir_ / "sweep.yaml").string() +
                  ":5: field \"kv_type\": expected one of f16, bf16, q8_0, q5_1, "
                  "q5_0, q4_1, q4_0, got \"q8\" (did you mean \"q8_0\"?)");
}

TEST_F(SweepSpecTest, ErrorsNameFileLineAndField) {
    const std::string file = (dir_ / "sweep.yaml").string();
    EXPECT_EQ(
        error_of(
            "models:\n  - {name: tiny, path: m.gguf}\nquant_types: [q8_0, q4_k_x]\ntasks: [ddi]\n")
            .rfind(file + ":3: field \"quant_types[1]\": unknown quantization type \"q4_k_x\"", 0),
        0u)
        << error_of(
               "models:\n  - {name: tiny, path: m.gguf}\nquant_types: [q8_0, q4_k_x]\ntasks: "
               "[ddi]\n");
    EXPECT_EQ(
        error_of("models:\n  - {name: tiny, path: gone.gguf}\nquant_types: [q8_0]\ntasks: [ddi]\n"),
        file + ":2: field \"models[0].path\": file " + (dir_ / "gone.gguf").string() +
            " does not exist");
    EXPECT_EQ(error_of("models:\n  - {name: tiny, path: m.gguf}\nquant_types: [q8_0]\ntasks: "
                       "[ddi]\nlimit: lots\n"),
              file + ":5: field \"limit\": expected a whole number >= 0, got \"lots\"");
    EXPECT_NE(error_of("models:\n  - {name: tiny, path: m.gguf}\nquant_types: [q8_0]\ntasks:\n  - "
                       "ddi\n  - pubmedq\n")
                  .find(file + ":6: field \"tasks[1]\": unknown task \"pubmedq\" (did you mean"),
              std::string::npos);
    EXPECT_NE(
        error_of("modles: []\n").find(file + ":1: field \"modles\": unknown key (did you mean"),
        std::string::npos);
    EXPECT_EQ(
        error_of("quant_types: [q8_0]\ntasks: [ddi]\n"),
        file + ":1: field \"models\": missing (a list of {name, path} full-precision GGUF files)");
    EXPECT_NE(error_of("models:\n  - {name: tiny, path: m.gguf}\nquant_types: [q8_0]\ntasks: "
                       "[ddi]\nprompts: [two-shot]\n")
                  .find(file + ":5: field \"prompts[0]\":"),
              std::string::npos);
    EXPECT_NE(error_of("models: [\n").find(file + ":"),
              std::string::npos);  // a YAML syntax error has a line too
}

TEST_F(SweepSpecTest, EveryEvalOptionReachesEachCellsRunConfig) {
    const std::string head =
        "models:\n  - {name: tiny, path: m.gguf}\nquant_types: [q8_0]\ntasks: [medqa]\n";
    auto spec = parse(head +
                      "mc_mode: loglik\nshot_selection: nearest\nchat: false\nmax_tokens: 7\n"
                      "prompts: ['few-shot:2']\nseed: 9\n");
    ASSERT_TRUE(spec.ok()) << spec.error().message;
    SweepCell cell;
    cell.prompt = "few-shot:2";
    cell.model_path = dir_ / "m.gguf";
    const RunConfig c = cell_run_config(*spec, cell);
    EXPECT_EQ(c.mc_mode, "loglik");
    EXPECT_EQ(c.shot_selection, "nearest");
    EXPECT_FALSE(c.chat);
    EXPECT_EQ(c.max_tokens, 7);
    EXPECT_EQ(c.seed, 9u);
    EXPECT_EQ(c.prompt, "few-shot:2");
    EXPECT_EQ(error_of(head + "mc_mode: loglk\n"),
              (dir_ / "sweep.yaml").string() +
                  ":5: field \"mc_mode\": expected generate or loglik, got \"loglk\" "
                  "(did you mean \"loglik\"?)");
    EXPECT_EQ(error_of(head + "max_tokens: many\n"),
              (dir_ / "sweep.yaml").string() +
                  ":5: field \"max_tokens\": expected a whole number >= 0, got \"many\"");
}

}  // namespace
}  // namespace biomedq
