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

}  // namespace biomedq::runner
