#include "runner/sample_record.h"

#include <cmath>

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

// The value as the message shows it: short, one line.
std::string shown(const nlohmann::json& v) {
    std::string text = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

Error field_error(const std::string& field, const std::string& expected, const nlohmann::json& record) {
    return make_error(ErrorCode::kParse, "field \"" + field + "\": " +
                                             (record.contains(field) ? "expected " + expected + ", got " +
                                                                           shown(record[field])
                                                                     : "missing (expected " + expected + ")"));
}

bool is_count(const nlohmann::json& v) { return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0); }

}  // namespace

Status check_sample_record(const nlohmann::json& r) {
    if (!r.is_object()) return make_error(ErrorCode::kParse, "not a JSON object");
    const auto has = [&](const char* key, auto&& ok) { return r.contains(key) && ok(r[key]); };
    const auto non_empty_string = [](const nlohmann::json& v) { return v.is_string() && !v.get<std::string>().empty(); };
    const auto string = [](const nlohmann::json& v) { return v.is_string(); };
    const auto number = [](const nlohmann::json& v) { return v.is_number() && std::isfinite(v.get<double>()); };
    for (const char* key : {"task", "id"}) {
        if (!has(key, non_empty_string)) return field_error(key, "a non-empty string", r);
    }
    if (!has("index", is_count)) return field_error("index", "an integer >= 0", r);
    // Scoring needs task, id, index, gold, parsed and score; the other fields are checked where present,
    // so minimal or older records (written before a field existed) still score, import and rescore.
    const auto wrong = [&](const char* key, auto&& ok) { return r.contains(key) && !ok(r[key]); };
    if (wrong("mode", [](const nlohmann::json& v) { return v == "generate" || v == "loglik"; })) {
        return field_error("mode", "\"generate\" or \"loglik\"", r);
    }
    if (!r.contains("gold")) return field_error("gold", "{labels, spans}", r);
    if (auto g = gold_from_json(r["gold"]); !g.ok()) return g.error().with_context("field \"gold\"");
    if (!r.contains("parsed")) return field_error("parsed", "{valid, labels, spans}", r);
    if (auto p = prediction_from_json(r["parsed"]); !p.ok()) return p.error().with_context("field \"parsed\"");
    if (!has("score", [&](const nlohmann::json& v) { return number(v) && v.get<double>() >= 0 && v.get<double>() <= 1; })) {
        return field_error("score", "a number from 0 to 1", r);
    }
    if (wrong("correct", [](const nlohmann::json& v) { return v.is_boolean(); })) return field_error("correct", "true or false", r);
    for (const char* key : {"n_tokens_prompt", "n_tokens_generated"}) {
        if (wrong(key, is_count)) return field_error(key, "an integer >= 0", r);
    }
    if (wrong("t_latency_ms", [&](const nlohmann::json& v) { return number(v) && v.get<double>() >= 0; })) {
        return field_error("t_latency_ms", "a number >= 0", r);
    }
    if (wrong("raw_output", string)) return field_error("raw_output", "a string", r);
    if (wrong("prompt", string)) return field_error("prompt", "a string", r);
    if (wrong("finish", [](const nlohmann::json& v) {
            return v == "eos" || v == "stop" || v == "length" || v == "grammar" || v == "error";
        })) {
        return field_error("finish", "one of \"eos\", \"stop\", \"length\", \"grammar\", \"error\"", r);
    }
    if (wrong("options", [](const nlohmann::json& v) { return v.is_array(); })) return field_error("options", "an array", r);
    if (r.contains("error") && !r["error"].is_string()) return field_error("error", "a string", r);
    return Status::success();
}

nlohmann::json spans_to_json(const std::vector<Span>& spans) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : spans) out.push_back({s.begin, s.end, s.type});
    return out;
}

nlohmann::json prediction_to_json(const Prediction& p) {
    nlohmann::json j = {{"valid", p.valid}, {"labels", p.labels}, {"spans", spans_to_json(p.spans)}};
    if (!p.unparsed.empty()) j["unparsed"] = p.unparsed;
    return j;
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
    if (j.contains("unparsed")) {
        if (!j["unparsed"].is_string()) return make_error(ErrorCode::kParse, "field \"parsed.unparsed\": expected a string");
        p.unparsed = j["unparsed"].get<std::string>();
    }
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
