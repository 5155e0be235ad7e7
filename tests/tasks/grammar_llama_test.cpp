// Every grammar the shipped tasks produce must be accepted by llama.cpp's GBNF parser, and must
// accept the answers it is meant to allow. llama.cpp is linked into this test only; the tasks
// library itself never includes llama.h.
#include <gtest/gtest.h>
#include <llama.h>

#include <stdexcept>

#include "task_test_helpers.h"

namespace biomedq {
namespace {

class GrammarInLlama : public testing::Test {
protected:
    static void SetUpTestSuite() {
        llama_log_set([](ggml_log_level, const char*, void*) {}, nullptr);
        llama_backend_init();
        llama_model_params params = llama_model_default_params();
        params.vocab_only = true;
        const auto path = test::llama_src_dir() / "models" / "ggml-vocab-llama-bpe.gguf";
        model_ = llama_model_load_from_file(path.c_str(), params);
    }
    static void TearDownTestSuite() {
        if (model_) llama_model_free(model_);
        model_ = nullptr;
    }
    void SetUp() override {
        if (!model_) GTEST_SKIP() << "vocab GGUF not found under " << test::llama_src_dir();
    }

    static const llama_vocab* vocab() { return llama_model_get_vocab(model_); }

    static bool parses(const std::string& grammar) {
        llama_sampler* sampler = llama_sampler_init_grammar(vocab(), grammar.c_str(), "root");
        if (!sampler) return false;
        llama_sampler_free(sampler);
        return true;
    }

    // Feeds `text` token by token; false when the grammar rejects a token (llama.cpp throws).
    static bool accepts(const std::string& grammar, const std::string& text) {
        llama_sampler* sampler = llama_sampler_init_grammar(vocab(), grammar.c_str(), "root");
        if (!sampler) return false;
        std::vector<llama_token> tokens(text.size() + 8);
        const int n =
            llama_tokenize(vocab(), text.c_str(), static_cast<int32_t>(text.size()), tokens.data(),
                           static_cast<int32_t>(tokens.size()), false, false);
        bool ok = n >= 0;
        try {
            for (int i = 0; ok && i < n; ++i)
                llama_sampler_accept(sampler, tokens[static_cast<std::size_t>(i)]);
        } catch (const std::exception&) {
            ok = false;
        }
        llama_sampler_free(sampler);
        return ok;
    }

    static Example example_with_options() {
        Example e;
        e.options = {{"A", "a"}, {"B", "b"}, {"C", "c"}, {"D", "d"}};
        return e;
    }

    static inline llama_model* model_ = nullptr;
};

TEST_F(GrammarInLlama, BadGrammarIsRejected) { EXPECT_FALSE(parses("root ::= \"unterminated")); }

TEST_F(GrammarInLlama, EveryShippedTaskGrammarParses) {
    for (const char* name : {"bc5cdr-chem", "ncbi-disease", "chemprot", "ddi", "hoc", "litcovid",
                             "medqa", "pubmedqa"}) {
        const TaskConfig& task = test::shipped_task(name);
        EXPECT_TRUE(parses(answer_grammar(task, example_with_options()))) << name;
        EXPECT_TRUE(parses(cot_answer_grammar(task, example_with_options()))) << name;
    }
}

TEST_F(GrammarInLlama, GrammarsAcceptTheirAnswersOnly) {
    const TaskConfig& chemprot = test::shipped_task("chemprot");
    const std::string label = answer_grammar(chemprot, Example{});
    EXPECT_TRUE(accepts(label, " CPR:4"));
    EXPECT_FALSE(accepts(label, "CPR:7"));
    const std::string hoc = answer_grammar(test::shipped_task("hoc"), Example{});
    EXPECT_TRUE(accepts(hoc, R"(["resisting cell death", "inducing angiogenesis"])"));
    EXPECT_FALSE(accepts(hoc, R"(["cell death"])"));
    const std::string ner = answer_grammar(test::shipped_task("bc5cdr-chem"), Example{});
    EXPECT_TRUE(accepts(ner, R"(["5-FU", "cisplatin"])"));
    EXPECT_FALSE(accepts(ner, "cisplatin"));
    const std::string cot = cot_answer_grammar(test::shipped_task("medqa"), example_with_options());
    EXPECT_TRUE(accepts(cot, "The patient has sepsis.\nAn answer needs care.\nAnswer: C"));
    EXPECT_FALSE(accepts(cot, "Answer: maybe"));
    EXPECT_FALSE(accepts(cot, "Answer: E"));
}

}  // namespace
}  // namespace biomedq
