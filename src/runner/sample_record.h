// The JSON shape of gold answers and predictions in samples.jsonl, both ways.
#pragma once

#include <nlohmann/json.hpp>

#include "biomedq/metrics.h"

namespace biomedq::runner {

nlohmann::json spans_to_json(const std::vector<Span>& spans);  // [[begin, end, type], ...]
nlohmann::json prediction_to_json(const Prediction& p);        // {valid, labels, spans}
nlohmann::json gold_to_json(const Gold& g);                    // {labels, spans}

// Errors: kParse naming the field when the record does not have the expected shape.
Result<Prediction> prediction_from_json(const nlohmann::json& j);
Result<Gold> gold_from_json(const nlohmann::json& j);

// Checks one samples.jsonl record against schemas/sample.schema.json's required fields and types,
// so that every later reader (resume, scoring, rescore, compare, import) can take them as given.
// Errors: kParse naming the field and what it holds, e.g. `field "id": expected a non-empty string,
// got 42`; the caller adds the file and line.
Status check_sample_record(const nlohmann::json& record);

}  // namespace biomedq::runner
