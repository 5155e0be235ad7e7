// The flags every command that runs a model over text chunks shares (fidelity, imatrix): declared
// once, so their wording and defaults cannot drift apart.
#pragma once

#include <CLI/CLI.hpp>

namespace biomedq::cli {

// --ctx, --gpu-layers (also -ngl) and --threads bound to `options`' ctx, gpu_layers and threads.
template <typename Options>
void add_chunk_run_flags(CLI::App& cmd, Options& options) {
    cmd.add_option("--ctx", options.ctx, "Tokens per chunk")->capture_default_str();
    cmd.add_option("--gpu-layers", options.gpu_layers, "Layers on the GPU, also -ngl (-1 = all)")
        ->capture_default_str();
    cmd.add_option("--threads", options.threads,
                   "Threads (0: every CPU this process may use; BIOMEDQ_THREADS overrides)")
        ->capture_default_str();
}

}  // namespace biomedq::cli
