// The `biomedq info` path: read_model_info on arbitrary bytes gives ModelInfo or kParse /
// kUnsupported; huge counts or lengths in the header must not allocate or read past the file.
#include <cstddef>
#include <cstdint>

#include "biomedq/quant.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path =
        biomedq::fuzz::write_scratch("model.gguf", biomedq::fuzz::as_view(data, size));
    auto info = biomedq::read_model_info(path);
    (void)info;
    auto check = biomedq::check_gguf_file(path);
    (void)check;
    return 0;
}
