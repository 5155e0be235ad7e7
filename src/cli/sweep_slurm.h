// The Slurm side of `biomedq sweep`: submit (--slurm), watch (--slurm --status), and the commands
// the jobs themselves run (--prepare-cell, --cell, --finish). include/biomedq/slurm.h has the
// design.
#pragma once

#include <string>
#include <vector>

#include "biomedq/slurm.h"
#include "biomedq/sweep.h"

namespace biomedq::cli {

struct SlurmCliArgs {
    bool status = false;
    bool dry_run = false;
    std::string gpu_memory;  // e.g. 80GiB
    SlurmOptions options;
};

// --slurm [--dry-run]: plan, check fit, print or submit. Exit 2 when a cell does not fit.
int slurm_submit_command(const SweepSpec& spec, SlurmCliArgs args);
// --slurm --status: one line per cell and the totals.
int slurm_status_command(const SweepSpec& spec);
// --cell N: one cell, no store. --prepare-cell N: the cell's model and fidelity.
int sweep_cell_command(const SweepSpec& spec, long long index, bool prepare_only);
// --finish: imports every finished cell into <out>/results.sqlite and writes <out>/report/; exit 1
// naming the cells that are not finished (after importing the others).
int sweep_finish_command(const SweepSpec& spec);

}  // namespace biomedq::cli
