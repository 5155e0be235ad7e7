// One fuzzer per dataset format (BIOMEDQ_FUZZ_FORMAT is set by fuzz/CMakeLists.txt): the input is
// the file's bytes. Loaders must return a value or an error, never crash, hang or read out of
// bounds.
//   chemprot_gs:   abstracts \0 entities \0 gold standard (the three files of one folder)
//   pubmedqa_json: questions \0 ground truth (second part absent: no ground-truth file)
#include <cstddef>
#include <cstdint>

#include "biomedq/data.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace biomedq;
    const std::string_view input = fuzz::as_view(data, size);
    DataSource source;
    source.format = BIOMEDQ_FUZZ_FORMAT;
    const std::string_view format = source.format;
    if (format == "chemprot_gs") {
        const auto parts = fuzz::split_parts(input, 3);
        fuzz::write_scratch("fuzz_abstracts_gs.tsv", parts[0]);
        fuzz::write_scratch("fuzz_entities_gs.tsv", parts[1]);
        fuzz::write_scratch("fuzz_gold_standard.tsv", parts[2]);
        source.path = fuzz::scratch_dir().string();
    } else if (format == "pubmedqa_json") {
        const auto at = input.find('\0');
        source.path = fuzz::write_scratch("questions.json", input.substr(0, at)).string();
        if (at != std::string_view::npos) {
            source.secondary_path =
                fuzz::write_scratch("truth.json", input.substr(at + 1)).string();
        }
    } else {
        source.path = fuzz::write_scratch("input.dat", input).string();
    }
    auto result = load_dataset(source);
    if (result) {
        // Touch every example so an invalid string or span inside shows up under ASan.
        std::size_t total = 0;
        for (const auto& example : result->examples) {
            total += example.text.size() + example.id.size() + example.labels.size();
            for (const auto& span : example.spans) {
                if (span.begin > span.end || span.end > example.text.size()) __builtin_trap();
            }
        }
        (void)total;
    }
    return 0;
}
