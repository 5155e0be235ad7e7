#include "runner/sample_record.h"

namespace biomedq::runner {
namespace {

Result<std::vector<Span>> spans_from_json(const nlohmann::json& j) {
    std::vector<Span> spans;
    if (j.is_null()) return spans;
    if (!j.is_array()) return make_error(ErrorCode::kParse, "field \"spans\": expected an array");
    for (const auto& s : j) {
        if (!s.is_array() || s.size() != 3 || !s[0].is_number_unsigned() || !s[1].is_number_unsigned() ||
            !s[2].is_string()) {
            return make_error(ErrorCode::kParse, "field \"spans\": expected [begin, end, type] items");
        }
        spans.push_back(Span{s[0].get<std::size_t>(), s[1].get<std::size_t>(), s[2].get<std::string>()});
    }
    return spans;
}

Result<std::vector<std::string>> labels_from_json(const nlohmann::json& j) {
    std::vector<std::string> labels;
    if (j.is_null()) return labels;
    if (!j.is_array()) return make_error(ErrorCode::kParse, "field \"labels\": expected an array of strings");
    for (const auto& l : j) {
        if (!l.is_string()) return make_error(ErrorCode::kParse, "field \"labels\": expected strings");
        labels.push_back(l.get<std::string>());
    }
    return labels;
}

}  // namespace

nlohmann::json spans_to_json(const std::vector<Span>& spans) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : spans) out.push_back({s.begin, s.end, s.type});
    return out;
}

nlohmann::json prediction_to_json(const Prediction& p) {
    return {{"valid", p.valid}, {"labels", p.labels}, {"spans", spans_to_json(p.spans)}};
}

nlohmann::json gold_to_json(const Gold& g) {
    return {{"labels", g.labels}, {"spans", spans_to_json(g.spans)}};
}

Result<Prediction> prediction_from_json(const nlohmann::json& j) {
    if (!j.is_object() || !j.contains("valid") || !j["valid"].is_boolean()) {
        return make_error(ErrorCode::kParse, "field \"parsed\": expected {valid, labels, spans}");
    }
    Prediction p;
    p.valid = j["valid"].get<bool>();
    BIOMEDQ_ASSIGN(p.labels, labels_from_json(j.value("labels", nlohmann::json())));
    BIOMEDQ_ASSIGN(p.spans, spans_from_json(j.value("spans", nlohmann::json())));
    return p;
}

Result<Gold> gold_from_json(const nlohmann::json& j) {
    if (!j.is_object()) return make_error(ErrorCode::kParse, "field \"gold\": expected {labels, spans}");
    Gold g;
    BIOMEDQ_ASSIGN(g.labels, labels_from_json(j.value("labels", nlohmann::json())));
    BIOMEDQ_ASSIGN(g.spans, spans_from_json(j.value("spans", nlohmann::json())));
    return g;
}

}  // namespace biomedq::runner
