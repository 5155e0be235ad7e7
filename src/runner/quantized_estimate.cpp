// recommend's memory-only candidates: a stored model's source file as if quantized to another type.
#include "biomedq/sweep.h"

namespace biomedq {

Result<std::uint64_t> estimate_quantized_gpu_bytes(const std::string& source_path,
                                                   const std::string& quant_type, int ctx) {
    SweepSpec spec;
    spec.ctx_per_sequence = ctx;
    spec.parallel.assign(1, '1');  // one sequence (not "= \"1\"": GCC 12 -Wrestrict false positive)
    SweepCell cell;
    cell.source_path = source_path;
    cell.quant_type = quant_type;
    cell.model_path = "";  // never exists: estimate from the source
    BIOMEDQ_ASSIGN(const CellMemory memory, estimate_cell_memory(spec, cell));
    return memory.estimate.bytes_gpu();
}

}  // namespace biomedq
