// The one table from format name to loader (explicit, no self-registration), and the
// "did you mean" hint for a mistyped `data.format`.
#include <algorithm>
#include <utility>

#include "biomedq/data.h"
#include "core/did_you_mean.h"
#include "core/text.h"
#include "data/loader_errors.h"
#include "data/loaders.h"

namespace biomedq {
namespace {

using Loader = Result<Dataset> (*)(const DataSource&);

const std::vector<std::pair<std::string, Loader>>& loader_table() {
    static const std::vector<std::pair<std::string, Loader>> kLoaders = {
        {"bio_tsv", data::load_bio_tsv},
        {"pubtator", data::load_pubtator},
        {"ncbi_corpus", data::load_ncbi_corpus},
        {"relation_tsv", data::load_relation_tsv},
        {"chemprot_gs", data::load_chemprot_gs},
        {"multilabel_tsv", data::load_multilabel_tsv},
        {"medqa_jsonl", data::load_medqa_jsonl},
        {"pubmedqa_json", data::load_pubmedqa_json},
        {"pubmedqa_tsv", data::load_pubmedqa_tsv},
        {"medqa_options_tsv", data::load_medqa_options_tsv},
    };
    return kLoaders;
}

}  // namespace

const std::vector<std::string>& known_data_formats() {
    static const std::vector<std::string> kNames = [] {
        std::vector<std::string> names;
        for (const auto& entry : loader_table()) names.push_back(entry.first);
        return names;
    }();
    return kNames;
}

Result<Dataset> load_dataset(const DataSource& source) {
    for (const auto& [name, loader] : loader_table()) {
        if (name == source.format) return loader(source);
    }
    std::string message = "unknown data format \"" + source.format + "\"";
    message += did_you_mean(source.format, known_data_formats());
    message += "; known formats: " + text::join(known_data_formats(), ", ");
    return make_error(ErrorCode::kInvalidArgument, message);
}

}  // namespace biomedq
