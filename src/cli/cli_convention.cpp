#include "cli/cli_convention.h"

#include <algorithm>
#include <set>

#include "core/did_you_mean.h"

namespace biomedq::cli {
namespace {

// Subcommands whose model file is the first positional argument.
const std::set<std::string> kPositionalModel = {"info", "generate", "quantize"};

// Older or llama.cpp-style spellings -> the documented one.
std::string canonical(const std::string& arg) {
    if (arg == "--out" || arg == "--output-dir" || arg == "--out-dir") return "--output";
    if (arg == "-ngl" || arg == "--n-gpu-layers") return "--gpu-layers";
    if (arg == "-m") return "--model";
    return arg;
}

}  // namespace

std::vector<std::string> normalized_arguments(int argc, char** argv) {
    std::vector<std::string> out;
    std::string subcommand;
    bool literal = false;
    for (int i = 0; i < argc; ++i) {
        std::string arg = argv[i];
        if (i == 0 || literal) {
            out.push_back(arg);
            continue;
        }
        if (arg == "--") {
            literal = true;
            out.push_back(arg);
            continue;
        }
        if (subcommand.empty() && !arg.starts_with("-")) subcommand = arg;
        // --out=x style: rewrite the name, keep the value.
        std::string value;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
            value = arg.substr(eq);
            arg = arg.substr(0, eq);
        }
        arg = canonical(arg);
        if (arg == "--model" && kPositionalModel.count(subcommand)) {
            if (!value.empty()) {
                out.push_back(value.substr(1));
            } else if (i + 1 < argc) {
                out.push_back(argv[++i]);
            }
            continue;
        }
        out.push_back(arg + value);
    }
    return out;
}

std::string usage_hint(const CLI::App& app, const std::vector<std::string>& args) {
    std::vector<std::string> subcommands;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        subcommands.push_back(sub->get_name());
    }
    const CLI::App* chosen = nullptr;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.starts_with("-")) continue;
        for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
            if (sub->get_name() == arg) chosen = sub;
        }
        if (!chosen) return "unknown subcommand \"" + arg + "\"" + did_you_mean(arg, subcommands);
        break;
    }
    if (!chosen) return "";
    std::vector<std::string> names;
    for (const CLI::Option* opt : chosen->get_options()) {
        for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
        for (const auto& s : opt->get_snames()) names.push_back("-" + s);
    }
    for (std::size_t i = 1; i < args.size(); ++i) {
        std::string arg = args[i];
        if (!arg.starts_with("-") || arg == "--") continue;
        arg = arg.substr(0, arg.find('='));
        if (std::find(names.begin(), names.end(), arg) != names.end()) continue;
        if (std::string hint = did_you_mean(arg, names); !hint.empty()) return hint;
    }
    return "";
}

}  // namespace biomedq::cli
