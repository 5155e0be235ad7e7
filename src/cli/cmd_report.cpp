// `biomedq report results.sqlite -o report/`: report.md, results.csv and report.html.
#include <cstdio>
#include <memory>

#include "biomedq/report.h"
#include "cli/command.h"

namespace biomedq::cli {

void add_report_command(CLI::App& app, CommandRun& chosen) {
    struct Args {
        std::string store;
        std::string out = "report";
        ReportOptions options;
    };
    auto args = std::make_shared<Args>();
    CLI::App* sub = app.add_subcommand(
        "report", "Write report.md, results.csv and report.html from a result store");
    sub->add_option("store", args->store, "Result store (results.sqlite)")->required();
    sub->add_option("-o,--output", args->out, "Output folder")->capture_default_str();
    sub->add_option("--protocol", args->options.protocol,
                    "Report the runs of this benchmark protocol (biomedq | chen2025); needed when "
                    "the store holds "
                    "both, whose scores are not comparable");
    sub->add_option("--bootstrap", args->options.bootstrap_resamples, "Paired bootstrap resamples")
        ->capture_default_str();
    sub->add_option("--seed", args->options.seed, "Bootstrap seed")->capture_default_str();
    sub->callback([args, &chosen] {
        chosen = [args] {
            auto written = write_report(args->store, args->out, args->options);
            if (!written.ok()) return report_error(written.error());
            for (const auto& p : *written) std::printf("%s\n", p.c_str());
            return 0;
        };
    });
}

}  // namespace biomedq::cli
