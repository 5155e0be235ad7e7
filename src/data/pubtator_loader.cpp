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
        Example example;
        example.id = document.pmid;
        example.text = std::move(document.text);
        example.source = source.path + ":" + std::to_string(document.line);
        for (const auto& mention : document.mentions) {
            if (!source.entity_type.empty() && mention.type != source.entity_type) continue;
            example.spans.push_back(Span{mention.begin, mention.end, mention.type});
        }
        std::sort(example.spans.begin(), example.spans.end());
        dataset.examples.push_back(std::move(example));
    }
    return dataset;
}

}  // namespace biomedq::data
