// The one table from format name to loader (explicit, no self-registration), and the
// "did you mean" hint for a mistyped `data.format`.
#include <algorithm>
#include <utility>

#include "biomedq/data.h"
#include "data/loader_errors.h"
#include "data/loaders.h"

namespace biomedq {
namespace {

using Loader = Result<Dataset> (*)(const DataSource&);

const std::vector<std::pair<std::string, Loader>>& loader_table() {
    static const std::vector<std::pair<std::string, Loader>> kLoaders = {
        {"bio_tsv", data::load_bio_tsv},           {"pubtator", data::load_pubtator},
        {"ncbi_corpus", data::load_ncbi_corpus},   {"relation_tsv", data::load_relation_tsv},
        {"chemprot_gs", data::load_chemprot_gs},   {"multilabel_tsv", data::load_multilabel_tsv},
        {"medqa_jsonl", data::load_medqa_jsonl},   {"pubmedqa_json", data::load_pubmedqa_json},
        {"pubmedqa_tsv", data::load_pubmedqa_tsv},
    };
    return kLoaders;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
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
    // A near miss is a name within a third of its length in edits (e.g. "bio-tsv", "pubmedqa_jsn").
    const std::string* best = nullptr;
    std::size_t best_distance = 0;
    for (const auto& name : known_data_formats()) {
        const std::size_t distance = edit_distance(source.format, name);
        if (!best || distance < best_distance) {
            best = &name;
            best_distance = distance;
        }
    }
    if (best && best_distance * 3 <= std::max<std::size_t>(best->size(), 3)) {
        message += " (did you mean \"" + *best + "\"?)";
    }
    message += "; known formats: " + data::join_list(known_data_formats());
    return make_error(ErrorCode::kInvalidArgument, message);
}

}  // namespace biomedq
