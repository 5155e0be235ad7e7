// BC5CDR PubTator test documents -> one Example per document (id = PMID, text = title + " " +
// abstract, spans = mentions). With DataSource::entity_type set (e.g. "Chemical") only mentions of
// that type are kept, which is how the BC5CDR-chemical task reads the two-type CDR corpus. CID
// relation lines are parsed and ignored: the NER tasks do not score relations.
#include <algorithm>

#include "core/file_io.h"
#include "data/loaders.h"
#include "data/pubtator_documents.h"

namespace biomedq::data {

Result<Dataset> load_pubtator(const DataSource& source) {
    BIOMEDQ_ASSIGN(const std::string content, read_file(source.path));
    BIOMEDQ_ASSIGN(auto documents, parse_pubtator(source.path, content));
    Dataset dataset{"pubtator", source.path, {}, {}};
    dataset.examples.reserve(documents.size());
    for (auto& document : documents) {
        dataset.examples.push_back(
            pubtator_example(std::move(document), source.path, source.entity_type, ""));
    }
    return dataset;
}

}  // namespace biomedq::data
