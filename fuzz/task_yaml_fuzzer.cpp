// The task YAML parser: any bytes in a tasks/*.yaml file give a TaskConfig or an error (yaml-cpp's
// exceptions must be caught in the adapter).
#include <cstddef>
#include <cstdint>

#include "biomedq/task.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path = biomedq::fuzz::write_scratch("task.yaml", biomedq::fuzz::as_view(data, size));
    auto task = biomedq::load_task_file(path);
    (void)task;
    return 0;
}
