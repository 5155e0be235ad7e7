// `biomedq import RUN_DIR... --store results.sqlite`: add existing eval runs to a result store.
#include <cstdio>
#include <memory>
#include <string>

#include "biomedq/store.h"
#include "cli/command.h"

namespace biomedq::cli {
namespace {

// A run is identified by its configuration and model, not its path: say when a directory brought
// nothing new (another spelling, a symlink or a copy of a stored run) or replaced a stored run.
std::string describe_import(const std::string& dir, const PutRunOutcome& o) {
    const std::string id = std::to_string(o.id);
    switch (o.change) {
        case PutRunOutcome::Change::kAdded:
            return dir + " -> run " + id + " (added)";
        case PutRunOutcome::Change::kReplaced:
            return dir + " -> run " + id + " (replaces run " + std::to_string(o.previous_id) +
                   ", imported from " + o.previous_run_dir +
                   ": same configuration and model, changed samples or results)";
        case PutRunOutcome::Change::kUnchanged:
            break;
    }
    return dir + ": unchanged, already stored as run " + id + " (imported from " +
           o.previous_run_dir +
           ": same configuration, model, samples and results); nothing written";
}

}  // namespace

void add_import_command(CLI::App& app, CommandRun& chosen) {
    struct Args {
        std::vector<std::string> run_dirs;
        std::string store = "results.sqlite";
        ImportOptions options;
    };
    auto args = std::make_shared<Args>();
    CLI::App* sub = app.add_subcommand("import",
                                       "Add eval run directories to a result store (a run already "
                                       "stored is kept if unchanged, else replaced)");
    sub->add_option("run_dirs", args->run_dirs,
                    "Run directories (each with results.json and samples.jsonl)")
        ->required();
    sub->add_option("--store", args->store, "Result store (created if missing)")
        ->capture_default_str();
    sub->add_option("--model-name", args->options.model_name,
                    "Model name to group by (default: the GGUF's general.name)");
    sub->add_option("--quant-type", args->options.quant_type,
                    "Quantization type (default: from the model file)");
    sub->callback([args, &chosen] {
        chosen = [args] {
            auto store = ResultStore::open(args->store);
            if (!store.ok()) return report_error(store.error());
            for (const auto& dir : args->run_dirs) {
                auto outcome = store->import_run(dir, args->options);
                if (!outcome.ok()) return report_error(outcome.error());
                std::fprintf(stderr, "biomedq import: %s\n",
                             describe_import(dir, *outcome).c_str());
            }
            auto n = store->count_runs();
            if (n.ok())
                std::fprintf(stderr, "biomedq import: %s holds %d runs\n", args->store.c_str(), *n);
            return 0;
        };
    });
}

}  // namespace biomedq::cli
