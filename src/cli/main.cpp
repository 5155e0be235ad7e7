#include <cstdio>
#include <sstream>
#include <string>

#include "biomedq/build_info.h"
#include "cli/cli_convention.h"
#include "cli/command.h"
#include "cli/interrupt.h"
#include "core/redact.h"
#include "engine/cpu_backend_check.h"

namespace biomedq::cli {

int exit_code_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument:
        case ErrorCode::kNotFound:
        case ErrorCode::kParse:
        case ErrorCode::kUnsupported:
        case ErrorCode::kConflict:
            return 2;
        case ErrorCode::kCancelled:
            return interrupted_exit_code();
        default:
            return 1;
    }
}

int report_error(const Error& error) {
    std::fprintf(stderr, "biomedq: error: %s\n", redact(error.message).c_str());
    return exit_code_for(error.code);
}

}  // namespace biomedq::cli

int main(int argc, char** argv) {
    using namespace biomedq;
    // Before anything touches llama.cpp: its CPU backend is built for the build machine's CPU.
    if (Status cpu = check_cpu_runs_llama_backend(); !cpu.ok())
        return cli::report_error(cpu.error());
    CLI::App app{
        "biomedq: which LLM, at which quantization, fits your GPU, and what it costs in "
        "accuracy on biomedical NLP",
        "biomedq"};
    app.set_version_flag("--version", std::string("biomedq ") + build_info::kVersion +
                                          " (llama.cpp " + build_info::kLlamaCppTag + ", " +
                                          build_info::kLlamaBackend + ")");
    app.require_subcommand(1);

    cli::CommandRun chosen;
    cli::add_synth_command(app, chosen);
    cli::add_quantize_command(app, chosen);
    cli::add_info_command(app, chosen);
    cli::add_generate_command(app, chosen);
    cli::add_tasks_command(app, chosen);
    cli::add_eval_command(app, chosen);
    cli::add_rescore_command(app, chosen);
    cli::add_compare_command(app, chosen);
    cli::add_sweep_command(app, chosen);
    cli::add_import_command(app, chosen);
    cli::add_report_command(app, chosen);
    cli::add_recommend_command(app, chosen);
    cli::add_fidelity_command(app, chosen);
    cli::add_imatrix_command(app, chosen);
    cli::add_demo_command(app, chosen);

    const std::vector<std::string> args = cli::normalized_arguments(argc, argv);
    try {
        // CLI11 wants the arguments after the program name, last first.
        std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        // A misplaced argument is echoed in the message; it may be an endpoint URL with a password.
        std::ostringstream out, err;
        const int code = app.exit(e, out, err);
        std::fputs(out.str().c_str(), stdout);
        std::string message = redact(err.str());
        if (code == 0) {
            std::fputs(message.c_str(), stderr);
            return 0;  // --help, --version
        }
        // Usage errors exit 2 like every other bad input (README "Exit codes"), with a suggestion
        // where a word is close to a known subcommand or option.
        const std::string hint = cli::usage_hint(app, args);
        if (hint.starts_with("unknown subcommand")) {
            message = hint + "\nRun biomedq --help for the subcommands.\n";
        } else if (!hint.empty()) {
            while (!message.empty() && message.back() == '\n') message.pop_back();
            const auto first_line_end = message.find('\n');
            message.insert(first_line_end == std::string::npos ? message.size() : first_line_end,
                           hint);
            message += "\n";
        }
        std::fputs(("biomedq: error: " + message).c_str(), stderr);
        return cli::kUsageExitCode;
    }
    return chosen ? chosen() : 0;
}
