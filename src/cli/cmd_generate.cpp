// `biomedq generate`: a thin front on the engine, for people and tests.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "biomedq/engine.h"
#include "cli/command.h"
#include "core/file_io.h"

namespace biomedq::cli {
namespace {

// generate defaults to a smaller context and fewer sequences than the engine does.
EngineOptions generate_engine_options() {
    EngineOptions e;
    e.ctx_per_sequence = 2048;
    e.parallel = 4;
    return e;
}

struct GenerateOptions {
    // The flags that say how to load and run the model bind here directly.
    EngineOptions engine = generate_engine_options();
    std::string prompt;
    std::string prompts_file;
    std::string grammar_file;
    std::string system;
    int max_tokens = 128;
    std::uint64_t seed = 0;
    float temperature = 0.0f;
    bool raw = false;
    bool json = false;
};

struct PromptLine {
    std::string id;
    std::string text;
};

Result<std::vector<PromptLine>> read_prompts_file(const std::string& path) {
    BIOMEDQ_ASSIGN(std::string content, read_file(path));
    std::vector<PromptLine> prompts;
    std::size_t line_no = 0, start = 0;
    while (start < content.size()) {
        std::size_t end = content.find('\n', start);
        if (end == std::string::npos) end = content.size();
        std::string line = content.substr(start, end - start);
        start = end + 1;
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string where = path + ": line " + std::to_string(line_no);
        nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded()) return make_error(ErrorCode::kParse, where + ": not valid JSON");
        if (!j.is_object() || !j.contains("prompt") || !j["prompt"].is_string()) {
            return make_error(ErrorCode::kParse, where + ": field \"prompt\" (a string) missing");
        }
        PromptLine p;
        p.text = j["prompt"].get<std::string>();
        p.id = j.contains("id")
                   ? (j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump())
                   : std::to_string(prompts.size());
        prompts.push_back(std::move(p));
    }
    if (prompts.empty())
        return make_error(ErrorCode::kParse,
                          path + ": no prompts (expected JSONL lines {\"prompt\": ...})");
    return prompts;
}

int run_generate(const GenerateOptions& o) {
    std::vector<PromptLine> prompts;
    if (!o.prompts_file.empty()) {
        auto read = read_prompts_file(o.prompts_file);
        if (!read.ok()) return report_error(read.error());
        prompts = std::move(read).value();
    } else {
        prompts.push_back(PromptLine{"0", o.prompt});
    }
    std::string grammar;
    if (!o.grammar_file.empty()) {
        auto g = read_file(o.grammar_file);
        if (!g.ok()) return report_error(g.error());
        grammar = std::move(g).value();
    }

    EngineOptions eo = o.engine;
    eo.n_ubatch = std::min(eo.n_ubatch, eo.n_batch);
    auto loaded = Engine::load(eo);
    if (!loaded.ok()) return report_error(loaded.error());
    Engine& engine = **loaded;
    if (!grammar.empty()) {
        if (auto s = engine.validate_grammar(grammar); !s.ok()) {
            return report_error(s.error().with_context(o.grammar_file));
        }
    }

    const bool chat = !o.raw && engine.model().has_chat_template;
    std::vector<GenerationRequest> requests;
    for (const auto& p : prompts) {
        GenerationRequest r;
        if (chat) {
            std::vector<ChatMessage> messages;
            if (!o.system.empty()) messages.push_back({"system", o.system});
            messages.push_back({"user", p.text});
            auto rendered = engine.render_chat(messages);
            if (!rendered.ok()) return report_error(rendered.error());
            r.prompt = std::move(rendered).value();
        } else {
            r.prompt = p.text;
        }
        r.grammar = grammar;
        r.max_tokens = o.max_tokens;
        r.temperature = o.temperature;
        r.seed = o.seed;
        requests.push_back(std::move(r));
    }

    int failures = 0;
    auto status = engine.generate(requests, [&](std::size_t i, GenerationResult&& result) {
        if (result.finish == FinishReason::kError) {
            ++failures;
            std::fprintf(stderr, "biomedq: error: prompt %s: %s\n", prompts[i].id.c_str(),
                         result.error.c_str());
            return;
        }
        if (o.json) {
            nlohmann::json j = {{"id", prompts[i].id},
                                {"text", result.text},
                                {"finish", finish_reason_name(result.finish)},
                                {"n_tokens_prompt", result.n_tokens_prompt},
                                {"n_tokens_generated", result.n_tokens_generated},
                                {"t_latency_ms", result.t_latency_ms}};
            std::cout << j.dump() << "\n" << std::flush;
        } else if (prompts.size() == 1) {
            std::cout << result.text << "\n" << std::flush;
        } else {
            std::cout << "[" << prompts[i].id << "] " << result.text << "\n" << std::flush;
        }
    });
    if (!status.ok()) return report_error(status.error());
    return failures == 0 ? 0 : 1;
}

}  // namespace

void add_generate_command(CLI::App& app, CommandRun& chosen) {
    auto o = std::make_shared<GenerateOptions>();
    CLI::App* sub = app.add_subcommand("generate", "Generate text from prompts with a GGUF model");
    sub->add_option("model", o->engine.model_path, "Model file (GGUF); -m/--model FILE works too")
        ->required();
    auto* prompt = sub->add_option("--prompt", o->prompt, "One prompt");
    auto* file = sub->add_option("--file", o->prompts_file,
                                 "JSONL file of {\"id\":..., \"prompt\":...} lines");
    prompt->excludes(file);
    sub->add_option("--grammar", o->grammar_file, "GBNF grammar file constraining the output");
    sub->add_option("--system", o->system, "System message (chat models)");
    // Tokens and sequences: a positive count, its default shown.
    const auto add_count = [sub](const char* name, int& value, const char* help) {
        sub->add_option(name, value, help)->capture_default_str()->check(CLI::PositiveNumber);
    };
    add_count("--max-tokens", o->max_tokens, "Tokens to generate at most");
    sub->add_option("--seed", o->seed, "Sampling seed (with --temperature > 0)")
        ->capture_default_str();
    sub->add_option("--temperature", o->temperature, "0 for greedy")->capture_default_str();
    sub->add_option("--gpu-layers", o->engine.gpu_layers,
                    "Layers to offload to the GPU, also -ngl (-1: all)")
        ->capture_default_str();
    add_count("--parallel", o->engine.parallel, "Sequences decoded together");
    add_count("--ctx", o->engine.ctx_per_sequence, "Context tokens per sequence");
    add_count("--batch", o->engine.n_batch, "Tokens per llama_decode call");
    add_count("--ubatch", o->engine.n_ubatch, "Micro-batch the device computes at once");
    sub->add_flag("--no-prefix-reuse{false}", o->engine.prefix_reuse,
                  "Decode every prompt whole, also the prefixes it shares with others");
    sub->add_flag("--no-chat", o->raw, "Send the prompt as raw text, without the chat template");
    sub->add_flag("--json", o->json, "One JSON object per result");
    sub->add_flag("--verbose", o->engine.verbose, "Show llama.cpp's log");
    sub->callback([o, prompt, file, &chosen] {
        if (prompt->count() == 0 && file->count() == 0) {
            throw CLI::RequiredError("--prompt or --file");
        }
        chosen = [o] { return run_generate(*o); };
    });
}

}  // namespace biomedq::cli
