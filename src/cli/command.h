// How subcommands plug into main: each src/cli/cmd_<name>.cpp declares its options once (CLI11
// builds --help from them) and, when chosen, leaves the work to run in `chosen`. main runs it after
// parsing, so parsing errors and run errors are reported the same way.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "biomedq/result.h"

namespace biomedq::cli {

using CommandRun = std::function<int()>;

// Prints "biomedq: error: <message>" on stderr (secrets redacted) and returns the exit code for
// that error kind.
int report_error(const Error& error);

// Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input, 130 interrupted by Ctrl-C (SIGINT),
// 143 by SIGTERM.
int exit_code_for(ErrorCode code);

// A command's exit code: the one it returned, or for a command that returns a Status, 0 on success
// and otherwise its error's (reported).
inline int exit_code_of(int code) { return code; }
inline int exit_code_of(const Status& status) {
    return status.ok() ? 0 : report_error(status.error());
}

// Declares subcommand `name` whose options bind into one fresh `Args`; when it is chosen,
// `run(args)` runs (returning an exit code or a Status). Returns the subcommand and its Args, for
// declaring the options.
template <typename Args, typename Run>
std::pair<CLI::App*, std::shared_ptr<Args>> add_command(CLI::App& app, CommandRun& chosen,
                                                        const std::string& name,
                                                        const std::string& description, Run run) {
    auto args = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand(name, description);
    cmd->callback(
        [args, run, &chosen] { chosen = [args, run] { return exit_code_of(run(*args)); }; });
    return {cmd, args};
}

void add_synth_command(CLI::App& app, CommandRun& chosen);
void add_quantize_command(CLI::App& app, CommandRun& chosen);
void add_info_command(CLI::App& app, CommandRun& chosen);
void add_generate_command(CLI::App& app, CommandRun& chosen);
void add_demo_command(CLI::App& app, CommandRun& chosen);
void add_tasks_command(CLI::App& app, CommandRun& chosen);
void add_eval_command(CLI::App& app, CommandRun& chosen);
void add_rescore_command(CLI::App& app, CommandRun& chosen);
void add_compare_command(CLI::App& app, CommandRun& chosen);
void add_sweep_command(CLI::App& app, CommandRun& chosen);
void add_import_command(CLI::App& app, CommandRun& chosen);
void add_report_command(CLI::App& app, CommandRun& chosen);
void add_recommend_command(CLI::App& app, CommandRun& chosen);
void add_fidelity_command(CLI::App& app, CommandRun& chosen);
void add_imatrix_command(CLI::App& app, CommandRun& chosen);

}  // namespace biomedq::cli
