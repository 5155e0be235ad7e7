// `biomedq import RUN_DIR... --store results.sqlite`: add existing eval runs to a result store.
#include <cstdio>
#include <memory>

#include "biomedq/store.h"
#include "cli/command.h"

namespace biomedq::cli {

void add_import_command(CLI::App& app, CommandRun& chosen) {
    struct Args {
        std::vector<std::string> run_dirs;
        std::string store = "results.sqlite";
        ImportOptions options;
    };
    auto args = std::make_shared<Args>();
    CLI::App* sub = app.add_subcommand("import", "Add eval run directories to a result store (re-importing replaces)");
    sub->add_option("run_dirs", args->run_dirs, "Run directories (each with results.json and samples.jsonl)")->required();
    sub->add_option("--store", args->store, "Result store (created if missing)")->capture_default_str();
    sub->add_option("--model-name", args->options.model_name, "Model name to group by (default: the GGUF's general.name)");
    sub->add_option("--quant-type", args->options.quant_type, "Quantization type (default: from the model file)");
    sub->callback([args, &chosen] {
        chosen = [args] {
            auto store = ResultStore::open(args->store);
            if (!store.ok()) return report_error(store.error());
            for (const auto& dir : args->run_dirs) {
                auto id = store->import_run(dir, args->options);
                if (!id.ok()) return report_error(id.error());
                std::fprintf(stderr, "biomedq import: %s -> run %lld\n", dir.c_str(), static_cast<long long>(*id));
            }
            auto n = store->count_runs();
            if (n.ok()) std::fprintf(stderr, "biomedq import: %s holds %d runs\n", args->store.c_str(), *n);
            return 0;
        };
    });
}

}  // namespace biomedq::cli
