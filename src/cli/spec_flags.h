// eval's flags for the EvalSpec, declared from the one table (runner/eval_spec_options.h).
#pragma once

#include <CLI/CLI.hpp>

#include "biomedq/record.h"

namespace biomedq::cli {

// Binds every spec option to `spec` (defaults shown in --help from the spec's own defaults).
void add_spec_flags(CLI::App& sub, EvalSpec& spec);

}  // namespace biomedq::cli
