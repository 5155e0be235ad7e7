// One loader per format; load_dataset() dispatches here. Each returns a Dataset whose name is the
// format and whose path is source.path. Formats and their mapping to Example are documented in
// include/biomedq/data.h.
#pragma once

#include "biomedq/data.h"

namespace biomedq::data {

Result<Dataset> load_bio_tsv(const DataSource& source);
Result<Dataset> load_pubtator(const DataSource& source);
Result<Dataset> load_ncbi_corpus(const DataSource& source);
Result<Dataset> load_relation_tsv(const DataSource& source);
Result<Dataset> load_chemprot_gs(const DataSource& source);
Result<Dataset> load_multilabel_tsv(const DataSource& source);
Result<Dataset> load_medqa_jsonl(const DataSource& source);
Result<Dataset> load_medqa_options_tsv(const DataSource& source);
Result<Dataset> load_pubmedqa_json(const DataSource& source);
Result<Dataset> load_pubmedqa_tsv(const DataSource& source);

}  // namespace biomedq::data
