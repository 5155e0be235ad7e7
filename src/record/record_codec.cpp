// The run record's JSON: the one file that spells the keys of samples.jsonl, results.json and the
// run identity (config.json). schemas/*.schema.json describe the same keys for other tools; a test
// checks that what this file writes validates against them.
#include <algorithm>
#include <cmath>

#include "biomedq/record.h"
#include "record/json_fields.h"

namespace biomedq {

using record::FieldReader;
using record::join_path;
using json = nlohmann::json;

namespace {

// Each record type lists its fields once, in a `..._fields(record, visitor)` function; the writer
// and the reader below are the two visitors, so a key is spelled in one line for both directions.
// `required` fields are an error when missing; `optional` ones keep their default.
struct JsonWriter {
    json& out;
    template <typename T, typename D>
    void added_later(const char* key, const T& value, const D& default_value) {
        if (value != default_value) out[key] = value;
    }
    template <typename T>
    void required(const char* key, const T& value) {
        out[key] = value;
    }
    template <typename T>
    void optional(const char* key, const T& value) {
        out[key] = value;
    }
    template <typename T>
    void optional(const char* key, const std::optional<T>& value) {  // absent: not measured
        if (value) out[key] = *value;
    }
};

struct JsonReader {
    FieldReader& in;
    template <typename T, typename D>
    void added_later(const char* key, T& value, const D&) {
        in.get_if_present(key, value);
    }
    template <typename T>
    void required(const char* key, T& value) {
        in.get(key, value);
    }
    template <typename T>
    void optional(const char* key, T& value) {
        in.get_if_present(key, value);
    }
};

template <typename Record, typename Fields>
json write_fields(const Record& record, Fields&& fields) {
    json out = json::object();
    JsonWriter writer{out};
    fields(record, writer);
    return out;
}

// Reads `j` (at dotted `path`) into `record`; the error, if any, goes to `parent`.
template <typename Record, typename Fields>
void read_fields(FieldReader& parent, const json& j, const std::string& path, Record& record,
                 Fields&& fields) {
    if (!parent.ok()) return;
    FieldReader in(j, path);
    JsonReader reader{in};
    fields(record, reader);
    if (!in.ok()) parent.fail(in.status().error());
}

// ---------------------------------------------------------------- gold and predictions

Result<std::vector<Span>> spans_from_json(const json& j) {
    std::vector<Span> spans;
    if (j.is_null()) return spans;
    if (!j.is_array()) return make_error(ErrorCode::kParse, "field \"spans\": expected an array");
    for (const auto& s : j) {
        if (!s.is_array() || s.size() != 3 || !s[0].is_number_unsigned() ||
            !s[1].is_number_unsigned() || !s[2].is_string()) {
            return make_error(ErrorCode::kParse,
                              "field \"spans\": expected [begin, end, type] items");
        }
        spans.push_back(
            Span{s[0].get<std::size_t>(), s[1].get<std::size_t>(), s[2].get<std::string>()});
    }
    return spans;
}

Result<std::vector<std::string>> labels_from_json(const json& j) {
    std::vector<std::string> labels;
    if (j.is_null()) return labels;
    if (!j.is_array())
        return make_error(ErrorCode::kParse, "field \"labels\": expected an array of strings");
    for (const auto& l : j) {
        if (!l.is_string())
            return make_error(ErrorCode::kParse, "field \"labels\": expected strings");
        labels.push_back(l.get<std::string>());
    }
    return labels;
}

json spans_to_json(const std::vector<Span>& spans) {
    json out = json::array();
    for (const auto& s : spans) out.push_back({s.begin, s.end, s.type});
    return out;
}

}  // namespace

json to_json(const Gold& g) { return {{"labels", g.labels}, {"spans", spans_to_json(g.spans)}}; }

json to_json(const Prediction& p) {
    json j = {{"valid", p.valid}, {"labels", p.labels}, {"spans", spans_to_json(p.spans)}};
    if (!p.unparsed.empty()) j["unparsed"] = p.unparsed;
    return j;
}

Result<Prediction> prediction_from_json(const json& j) {
    if (!j.is_object() || !j.contains("valid") || !j["valid"].is_boolean()) {
        return make_error(ErrorCode::kParse, "field \"parsed\": expected {valid, labels, spans}");
    }
    Prediction p;
    p.valid = j["valid"].get<bool>();
    BIOMEDQ_ASSIGN(p.labels, labels_from_json(j.value("labels", json())));
    BIOMEDQ_ASSIGN(p.spans, spans_from_json(j.value("spans", json())));
    if (j.contains("unparsed")) {
        if (!j["unparsed"].is_string()) {
            return make_error(ErrorCode::kParse, "field \"parsed.unparsed\": expected a string");
        }
        p.unparsed = j["unparsed"].get<std::string>();
    }
    return p;
}

Result<Gold> gold_from_json(const json& j) {
    if (!j.is_object())
        return make_error(ErrorCode::kParse, "field \"gold\": expected {labels, spans}");
    Gold g;
    BIOMEDQ_ASSIGN(g.labels, labels_from_json(j.value("labels", json())));
    BIOMEDQ_ASSIGN(g.spans, spans_from_json(j.value("spans", json())));
    return g;
}

// ---------------------------------------------------------------- fidelity.json

namespace {

template <typename R, typename V>
void fidelity_fields(R& f, V& v) {
    v.required("source_sha256", f.source_sha256);
    v.required("model_sha256", f.model_sha256);
    v.required("quant_type", f.quant_type);
    v.required("text_sha256", f.text_sha256);
    v.required("text_description", f.text_description);
    v.required("ctx", f.ctx);
    v.required("n_tokens", f.n_tokens);
    v.required("n_chunks", f.n_chunks);
    v.required("kl_mean", f.kl_mean);
    v.required("kl_mean_se", f.kl_mean_se);
    v.required("kl_median", f.kl_median);
    v.required("kl_p99", f.kl_p99);
    v.required("kl_max", f.kl_max);
    v.required("top1_agreement", f.top1_agreement);
    v.required("top1_se", f.top1_se);
    v.required("ppl_ratio", f.ppl_ratio);
    v.required("ppl_ratio_se", f.ppl_ratio_se);
    v.required("measured_at", f.measured_at);
}

}  // namespace

json to_json(const QuantFidelity& f) {
    return write_fields(f, [](const QuantFidelity& r, JsonWriter& w) { fidelity_fields(r, w); });
}

Result<QuantFidelity> quant_fidelity_from_json(const json& j, const std::string& where) {
    if (!j.is_object()) return make_error(ErrorCode::kParse, where + ": expected a JSON object");
    QuantFidelity f;
    FieldReader in(j, "");
    JsonReader reader{in};
    fidelity_fields(f, reader);
    if (!in.ok()) return in.status().error().with_context(where);
    return f;
}

// ---------------------------------------------------------------- the run identity

namespace {

// The run identity's fields. `added_later` fields are left out of the JSON at their default, so
// runs made before they existed keep their hash and still resume.
template <typename R, typename V>
void spec_fields(R& s, V& v) {
    v.optional("tasks", s.tasks);
    v.required("prompt", s.prompt);
    v.optional("shot_selection", s.shot_selection);
    v.optional("constrained", s.constrained);
    v.required("subset", s.subset);
    v.required("limit", s.limit);
    v.required("seed", s.seed);
    v.optional("mc_mode", s.mc_mode);
    v.optional("chat", s.chat);
    v.required("ctx", s.ctx_per_sequence);
    v.optional("max_tokens", s.max_tokens);
    v.added_later("kv_type", s.kv_type, "f16");
    v.added_later("protocol", s.protocol, "biomedq");
}

// Collects the spec's keys (to tell them from the other keys of config.resolved).
struct KeyCollector {
    std::vector<std::string> keys;
    template <typename T>
    void required(const char* key, const T&) {
        keys.push_back(key);
    }
    template <typename T>
    void optional(const char* key, const T&) {
        keys.push_back(key);
    }
    template <typename T, typename D>
    void added_later(const char* key, const T&, const D&) {
        keys.push_back(key);
    }
};

bool is_spec_key(const std::string& key) {
    static const std::vector<std::string> keys = [] {
        KeyCollector c;
        const EvalSpec defaults;
        spec_fields(defaults, c);
        return c.keys;
    }();
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// Reads the spec's fields from `r`'s object (the identity, or results.json config.resolved).
void read_spec(FieldReader& r, EvalSpec& s) {
    JsonReader reader{r};
    spec_fields(s, reader);
}

}  // namespace

json to_json(const EvalSpec& s) {
    return write_fields(s, [](const EvalSpec& r, JsonWriter& w) { spec_fields(r, w); });
}

Result<EvalSpec> eval_spec_from_json(const json& j) {
    FieldReader r(j, "");
    EvalSpec s;
    read_spec(r, s);
    BIOMEDQ_TRY(r.status());
    return s;
}

// ---------------------------------------------------------------- samples.jsonl

bool SampleRecord::same_answer(const SampleRecord& other) const {
    json a = to_json(*this), b = to_json(other);
    a.erase("t_latency_ms");
    b.erase("t_latency_ms");
    return a == b;
}

json to_json(const SampleRecord& s) {
    json j = s.unknown.is_object() ? s.unknown : json::object();
    j["task"] = s.task;
    j["id"] = s.id;
    j["index"] = s.index;
    j["gold"] = to_json(s.gold);
    j["parsed"] = to_json(s.parsed);
    j["score"] = s.score;
    if (s.mode) j["mode"] = *s.mode;
    if (s.correct) j["correct"] = *s.correct;
    if (s.prompt) j["prompt"] = *s.prompt;
    if (s.messages) {
        j["messages"] = json::array();
        for (const auto& m : *s.messages)
            j["messages"].push_back({{"role", m.role}, {"content", m.content}});
    }
    if (s.raw_output) j["raw_output"] = *s.raw_output;
    if (s.finish) j["finish"] = *s.finish;
    if (s.error) j["error"] = *s.error;
    if (s.options) {
        j["options"] = json::array();
        for (const auto& o : *s.options) {
            j["options"].push_back({{"label", o.label},
                                    {"continuation", o.continuation},
                                    {"logprob", o.logprob},
                                    {"n_tokens", o.n_tokens}});
        }
    }
    if (s.n_tokens_prompt) j["n_tokens_prompt"] = *s.n_tokens_prompt;
    if (s.n_tokens_generated) j["n_tokens_generated"] = *s.n_tokens_generated;
    if (s.t_latency_ms) j["t_latency_ms"] = *s.t_latency_ms;
    return j;
}

namespace {

const char* const kSampleKeys[] = {"task",
                                   "id",
                                   "index",
                                   "gold",
                                   "parsed",
                                   "score",
                                   "mode",
                                   "correct",
                                   "prompt",
                                   "messages",
                                   "raw_output",
                                   "finish",
                                   "error",
                                   "options",
                                   "n_tokens_prompt",
                                   "n_tokens_generated",
                                   "t_latency_ms"};

bool one_of(const json& v, std::initializer_list<const char*> names) {
    for (const char* n : names) {
        if (v == n) return true;
    }
    return false;
}

// The checks schemas/sample.schema.json states, with messages naming the field and what it holds.
void read_sample_identity(FieldReader& r, const json& j, SampleRecord& s) {
    for (const char* key : {"task", "id"}) {
        if (!r.has(key) || !j[key].is_string() || j[key].get<std::string>().empty()) {
            return r.fail(key, "a non-empty string");
        }
    }
    s.task = j["task"].get<std::string>();
    s.id = j["id"].get<std::string>();
    std::uint64_t index = 0;
    r.get("index", index);
    s.index = static_cast<std::size_t>(index);
    if (r.has("mode") && !one_of(j["mode"], {"generate", "loglik"}))
        r.fail("mode", "\"generate\" or \"loglik\"");
    r.get_if_present("mode", s.mode);
}

void read_sample_answer(FieldReader& r, const json& j, SampleRecord& s) {
    if (!r.ok()) return;
    if (!r.has("gold")) return r.fail("gold", "{labels, spans}");
    auto gold = gold_from_json(j["gold"]);
    if (!gold.ok()) return r.fail(gold.error().with_context("field \"gold\""));
    s.gold = std::move(gold).value();
    if (!r.has("parsed")) return r.fail("parsed", "{valid, labels, spans}");
    auto parsed = prediction_from_json(j["parsed"]);
    if (!parsed.ok()) return r.fail(parsed.error().with_context("field \"parsed\""));
    s.parsed = std::move(parsed).value();
    const bool score_ok = r.has("score") && j["score"].is_number() &&
                          std::isfinite(j["score"].get<double>()) &&
                          j["score"].get<double>() >= 0 && j["score"].get<double>() <= 1;
    if (!score_ok) return r.fail("score", "a number from 0 to 1");
    s.score = j["score"].get<double>();
    r.get_if_present("correct", s.correct);
}

void read_sample_options(FieldReader& r, const json& j, SampleRecord& s) {
    if (!r.ok() || !r.has("options")) return;
    if (!j["options"].is_array()) return r.fail("options", "an array");
    std::vector<OptionScore> options;
    for (std::size_t i = 0; i < j["options"].size(); ++i) {
        FieldReader o(j["options"][i], join_path("options", std::to_string(i)));
        OptionScore option;
        o.get_if_present("label", option.label);
        o.get_if_present("continuation", option.continuation);
        // An option the model cannot produce has logprob -inf, which JSON writes as null.
        const json& logprob = o.child("logprob");
        option.logprob = logprob.is_number() ? logprob.get<double>() : -INFINITY;
        o.get_if_present("n_tokens", option.n_tokens);
        if (!o.ok()) return r.fail(o.status().error());
        options.push_back(std::move(option));
    }
    s.options = std::move(options);
}

void read_sample_output(FieldReader& r, const json& j, SampleRecord& s) {
    if (!r.ok()) return;
    for (const char* key : {"n_tokens_prompt", "n_tokens_generated"}) {
        if (r.has(key) && !(j[key].is_number_unsigned() ||
                            (j[key].is_number_integer() && j[key].get<std::int64_t>() >= 0))) {
            return r.fail(key, "an integer >= 0");
        }
    }
    r.get_if_present("n_tokens_prompt", s.n_tokens_prompt);
    r.get_if_present("n_tokens_generated", s.n_tokens_generated);
    if (r.has("t_latency_ms") &&
        !(j["t_latency_ms"].is_number() && std::isfinite(j["t_latency_ms"].get<double>()) &&
          j["t_latency_ms"].get<double>() >= 0)) {
        return r.fail("t_latency_ms", "a number >= 0");
    }
    r.get_if_present("t_latency_ms", s.t_latency_ms);
    r.get_if_present("raw_output", s.raw_output);
    r.get_if_present("prompt", s.prompt);
    if (r.has("finish") && !one_of(j["finish"], {"eos", "stop", "length", "grammar", "error"})) {
        return r.fail("finish", "one of \"eos\", \"stop\", \"length\", \"grammar\", \"error\"");
    }
    r.get_if_present("finish", s.finish);
    read_sample_options(r, j, s);
    r.get_if_present("error", s.error);
    if (r.ok() && r.has("messages")) {
        if (!j["messages"].is_array()) return r.fail("messages", "an array of {role, content}");
        std::vector<ChatMessage> messages;
        for (const auto& m : j["messages"]) {
            if (!m.is_object() || !m.value("role", json()).is_string() ||
                !m.value("content", json()).is_string()) {
                return r.fail("messages", "an array of {role, content}");
            }
            messages.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
        }
        s.messages = std::move(messages);
    }
}

}  // namespace

Result<SampleRecord> sample_record_from_json(const json& j) {
    if (!j.is_object()) return make_error(ErrorCode::kParse, "not a JSON object");
    FieldReader r(j, "");
    SampleRecord s;
    read_sample_identity(r, j, s);
    read_sample_answer(r, j, s);
    read_sample_output(r, j, s);
    BIOMEDQ_TRY(r.status());
    for (const auto& [key, value] : j.items()) {
        if (std::find(std::begin(kSampleKeys), std::end(kSampleKeys), key) ==
            std::end(kSampleKeys)) {
            s.unknown[key] = value;
        }
    }
    return s;
}

// ---------------------------------------------------------------- results.json: tasks

const MetricValue* TaskResult::metric(const std::string& name) const {
    for (const auto& m : metrics) {
        if (m.name == name) return &m;
    }
    return nullptr;
}

json to_json(const TaskResult& t) {
    json j = {{"n_examples", t.n_examples},
              {"n_invalid", t.n_invalid},
              {"n_selected", t.n_selected},
              {"invalid_rate", t.invalid_rate},
              {"complete", t.complete},
              {"primary_metric", t.primary_metric},
              {"kind", t.kind},
              {"protocol", t.protocol},
              {"metric_definitions", t.metric_definitions},
              {"metrics", json::array()}};
    for (const auto& m : t.metrics) {
        json metric = {
            {"name", m.name}, {"value", m.value}, {"ci_low", m.ci_low}, {"ci_high", m.ci_high}};
        if (auto it = t.published_metric_names.find(m.name); it != t.published_metric_names.end()) {
            metric["published_name"] = it->second;
        }
        j["metrics"].push_back(std::move(metric));
    }
    if (t.per_class) {
        j["per_class"] = json::array();
        for (const auto& c : *t.per_class) {
            j["per_class"].push_back({{"label", c.label},
                                      {"precision", c.precision},
                                      {"recall", c.recall},
                                      {"f1", c.f1},
                                      {"support", c.support}});
        }
    }
    if (!t.test_set_note.empty()) j["test_set_note"] = t.test_set_note;
    return j;
}

namespace {

void read_task_metrics(FieldReader& r, const json& metrics, const std::string& path,
                       TaskResult& t) {
    if (!r.ok() || metrics.is_null()) return;
    if (!metrics.is_array()) return r.fail("metrics", "an array");
    for (std::size_t i = 0; i < metrics.size(); ++i) {
        FieldReader m(metrics[i], join_path(join_path(path, "metrics"), std::to_string(i)));
        MetricValue value;
        m.get("name", value.name);
        m.get("value", value.value);
        value.ci_low = value.ci_high = value.value;
        m.get_if_present("ci_low", value.ci_low);
        m.get_if_present("ci_high", value.ci_high);
        std::string published;
        m.get_if_present("published_name", published);
        if (!m.ok()) return r.fail(m.status().error());
        if (!published.empty()) t.published_metric_names[value.name] = published;
        t.metrics.push_back(std::move(value));
    }
}

void read_per_class(FieldReader& r, const json& rows, const std::string& path, TaskResult& t) {
    if (!r.ok() || rows.is_null()) return;
    if (!rows.is_array()) return r.fail("per_class", "an array");
    std::vector<PerClassScore> out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        FieldReader c(rows[i], join_path(join_path(path, "per_class"), std::to_string(i)));
        PerClassScore score;
        c.get("label", score.label);
        c.get_if_present("precision", score.precision);
        c.get_if_present("recall", score.recall);
        c.get_if_present("f1", score.f1);
        c.get_if_present("support", score.support);
        if (!c.ok()) return r.fail(c.status().error());
        out.push_back(std::move(score));
    }
    t.per_class = std::move(out);
}

Result<TaskResult> task_result_at(const json& j, const std::string& path) {
    FieldReader r(j, path);
    TaskResult t;
    r.get_if_present("n_examples", t.n_examples);
    r.get_if_present("n_invalid", t.n_invalid);
    t.n_selected = t.n_examples;
    r.get_if_present("n_selected", t.n_selected);
    r.get_if_present("invalid_rate", t.invalid_rate);
    r.get_if_present("complete", t.complete);
    r.get("primary_metric", t.primary_metric);
    r.get_if_present("kind", t.kind);
    r.get_if_present("protocol", t.protocol);
    r.get_if_present("test_set_note", t.test_set_note);
    const json& definitions = r.child("metric_definitions");
    if (definitions.is_object()) {
        for (const auto& [name, text] : definitions.items()) {
            if (text.is_string()) t.metric_definitions[name] = text.get<std::string>();
        }
    }
    read_task_metrics(r, r.child("metrics"), path, t);
    read_per_class(r, r.child("per_class"), path, t);
    BIOMEDQ_TRY(r.status());
    return t;
}

}  // namespace

// ---------------------------------------------------------------- results.json: memory and speed

namespace {

// Lists of records: written as arrays, read item by item ("memory.devices.0.bytes_total").
template <typename Item, typename Fields>
json write_list(const std::vector<Item>& items, Fields&& fields) {
    json out = json::array();
    for (const auto& item : items) out.push_back(write_fields(item, fields));
    return out;
}

template <typename Item, typename Fields>
void read_list(FieldReader& parent, const char* key, std::vector<Item>& items, Fields&& fields) {
    const json& list = parent.child(key);
    if (!parent.ok() || list.is_null()) return;
    if (!list.is_array()) return parent.fail(key, "an array");
    for (std::size_t i = 0; i < list.size(); ++i) {
        Item item;
        read_fields(parent, list[i], parent.path_of(key) + "." + std::to_string(i), item, fields);
        items.push_back(std::move(item));
    }
}

// Measurements were added over time: what an older file lacks reads as 0; a wrong type is an error.
template <typename R, typename V>
void buffer_fields(R& b, V& v) {
    v.optional("buffer", b.buffer);
    v.optional("bytes_weights", b.bytes_weights);
    v.optional("bytes_kv", b.bytes_kv);
    v.optional("bytes_compute", b.bytes_compute);
    v.optional("bytes_output", b.bytes_output);
}

template <typename R, typename V>
void device_fields(R& d, V& v) {
    v.optional("name", d.name);
    v.optional("description", d.description);
    v.optional("bytes_total", d.bytes_total);
    v.optional("bytes_peak_used", d.bytes_peak_used);
    v.optional("bytes_buffers", d.bytes_buffers);
    v.optional("bytes_in_use_at_load", d.bytes_in_use_at_load);
    v.optional("bytes_device_overhead", d.bytes_device_overhead);
    v.optional("bytes_run_growth", d.bytes_run_growth);
    v.optional("source", d.source);
}

const auto kBufferFields = [](auto& b, auto& v) { buffer_fields(b, v); };
const auto kDeviceFields = [](auto& d, auto& v) { device_fields(d, v); };

template <typename R, typename V>
void memory_scalars(R& m, V& v) {
    v.optional("bytes_weights", m.bytes_weights);
    v.optional("bytes_kv", m.bytes_kv);
    v.optional("bytes_compute", m.bytes_compute);
    v.optional("bytes_output", m.bytes_output);
    v.optional("bytes_total_allocated", m.bytes_total_allocated);
    v.optional("host_peak_rss_bytes", m.host_peak_rss_bytes);
    v.optional("source", m.source);
    v.optional("bytes_device_overhead", m.bytes_device_overhead);
}

json to_json(const MemoryRecord& m) {
    json j = write_fields(m, [](const MemoryRecord& r, JsonWriter& w) { memory_scalars(r, w); });
    j["buffers"] = write_list(m.buffers, kBufferFields);
    j["devices"] = write_list(m.devices, kDeviceFields);
    if (!m.device_overhead_reason.empty()) j["device_overhead_reason"] = m.device_overhead_reason;
    return j;
}

void read_memory(FieldReader& top, std::optional<MemoryRecord>& out) {
    const json& j = top.child("memory");
    if (!top.ok() || j.is_null()) return;
    FieldReader r(j, "memory");
    MemoryRecord m;
    JsonReader reader{r};
    memory_scalars(m, reader);
    r.get_if_present("device_overhead_reason", m.device_overhead_reason);
    read_list(r, "buffers", m.buffers, kBufferFields);
    read_list(r, "devices", m.devices, kDeviceFields);
    if (!r.ok()) return top.fail(r.status().error());
    out = std::move(m);
}

template <typename R, typename V>
void speed_fields(R& s, V& v) {
    v.optional("backend", s.backend);
    v.optional("n_examples", s.n_examples);
    v.optional("parallel", s.parallel);
    v.optional("t_wall_ms", s.t_wall_ms);
    v.optional("t_load_ms", s.t_load_ms);
    v.optional("t_eval_ms", s.t_generate_ms);  // llama.cpp's name for the evaluation loop's time
    v.optional("t_decode_ms", s.t_decode_ms);
    v.optional("n_decode_calls", s.n_decode_calls);
    v.optional("n_tokens_prompt", s.n_tokens_prompt);
    v.optional("prefix_reuse", s.prefix_reuse);
    v.optional("n_tokens_prompt_computed", s.n_tokens_prompt_computed);
    v.optional("n_tokens_sampled_on_device", s.n_tokens_sampled_on_device);
    v.optional("n_tokens_generated", s.n_tokens_generated);
    v.optional("examples_per_s", s.examples_per_s);
    v.optional("prompt_tokens_per_s", s.prompt_tokens_per_s);
    v.optional("generated_tokens_per_s", s.generated_tokens_per_s);
    v.optional("overhead_fraction", s.overhead_fraction);
}

const auto kSpeedFields = [](auto& s, auto& v) { speed_fields(s, v); };

// ---------------------------------------------------------------- results.json: the rest

template <typename R, typename V>
void duplicate_fields(R& d, V& v) {
    v.optional("task", d.task);
    v.optional("id", d.id);
    v.optional("line", d.line);
    v.optional("kept_line", d.kept_line);
}

template <typename R, typename V>
void foreign_fields(R& f, V& v) {
    v.optional("task", f.task);
    v.optional("id", f.id);
    v.optional("line", f.line);
}

const auto kDuplicateFields = [](auto& d, auto& v) { duplicate_fields(d, v); };
const auto kForeignFields = [](auto& f, auto& v) { foreign_fields(f, v); };

void read_repairs(FieldReader& top, SampleRepairs& out) {
    const json& j = top.child("repairs");
    if (!top.ok() || j.is_null()) return;
    FieldReader r(j, "repairs");
    r.get_if_present("partial_last_line_bytes", out.n_partial_line_bytes);
    read_list(r, "duplicates_dropped", out.duplicates, kDuplicateFields);
    read_list(r, "foreign_ignored", out.foreign, kForeignFields);
    if (!r.ok()) top.fail(r.status().error());
}

template <typename R, typename V>
void model_fields(R& m, V& v) {
    v.required("path", m.path);
    v.required("sha256", m.sha256);
    v.required("quant_type", m.quant_type);
    v.required("bits_per_weight", m.bits_per_weight);
    v.optional("architecture", m.arch);
    v.optional("name", m.name);
    v.optional("description", m.description);
    v.optional("dominant_tensor_type", m.dominant_tensor_type);
    v.optional("n_params", m.n_params);
    v.optional("bytes_file", m.bytes_file);
}

template <typename R, typename V>
void session_fields(R& s, V& v) {
    v.optional("started_at", s.started_at);
    v.optional("finished_at", s.finished_at);
    v.optional("n_examples_run", s.n_examples_run);
    v.optional("n_examples_unanswered", s.n_examples_unanswered);
}

json to_json(const SessionRecord& s) {
    json j = write_fields(s, [](const SessionRecord& r, JsonWriter& w) { session_fields(r, w); });
    if (!s.batch_shape.is_null()) j["batch_shape"] = s.batch_shape;
    return j;
}

void read_sessions(FieldReader& top, std::vector<SessionRecord>& out) {
    read_list(top, "sessions", out, [](auto& s, auto& v) { session_fields(s, v); });
    const json& list = top.child("sessions");
    for (std::size_t i = 0; top.ok() && i < out.size() && i < list.size(); ++i) {
        if (list[i].contains("batch_shape")) out[i].batch_shape = list[i]["batch_shape"];
    }
}

void read_config(FieldReader& top, const json& j, RunRecord& run) {
    if (!top.ok()) return;
    FieldReader config(j, "config");
    config.get("hash", run.config_hash);
    run.batch_shape = config.child("batch_shape");
    run.parallel_choice = config.child("parallel_choice");
    if (!config.has("resolved")) config.fail("resolved", "an object");
    if (!config.ok()) return top.fail(config.status().error());
    FieldReader resolved(j["resolved"], "config.resolved");
    read_spec(resolved, run.spec);
    if (!resolved.ok()) return top.fail(resolved.status().error());
    for (const auto& [key, value] : j["resolved"].items()) {
        if (!is_spec_key(key)) run.resolved_extra[key] = value;
    }
}

void read_tasks(FieldReader& top, const json& j, RunRecord& run) {
    if (!top.ok()) return;
    if (!j.is_object()) return top.fail("tasks", "an object");
    for (const auto& [name, task] : j.items()) {
        auto t = task_result_at(task, "tasks." + name);
        if (!t.ok()) return top.fail(t.error());
        run.tasks.emplace(name, std::move(t).value());
    }
}

}  // namespace

json to_json(const SampleRepairs& repairs) {
    return {{"partial_last_line_bytes", repairs.n_partial_line_bytes},
            {"duplicates_dropped", write_list(repairs.duplicates, kDuplicateFields)},
            {"foreign_ignored", write_list(repairs.foreign, kForeignFields)}};
}

std::string RunRecord::resolved_string(const std::string& key, const std::string& fallback) const {
    const auto it = resolved_extra.find(key);
    return it != resolved_extra.end() && it->is_string() ? it->get<std::string>() : fallback;
}

int RunRecord::resolved_int(const std::string& key, int fallback) const {
    const auto it = resolved_extra.find(key);
    return it != resolved_extra.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

json to_json(const RunRecord& run) {
    json resolved = run.resolved_extra.is_object() ? run.resolved_extra : json::object();
    resolved.update(to_json(run.spec));
    // config.resolved always names the KV type and protocol (the identity leaves defaults out).
    resolved["kv_type"] = run.spec.kv_type;
    json doc = {{"schema_version", run.schema_version},
                {"environment", run.environment},
                {"model", write_fields(run.model, [](const ModelRecord& m,
                                                     JsonWriter& w) { model_fields(m, w); })},
                {"config", {{"resolved", resolved}, {"hash", run.config_hash}}},
                {"seed", run.spec.seed},
                {"protocol", run.spec.protocol},
                {"tasks", json::object()},
                {"complete", run.complete},
                {"repairs", to_json(run.repairs)},
                {"sessions", json::array()}};
    if (!run.batch_shape.is_null()) doc["config"]["batch_shape"] = run.batch_shape;
    if (!run.parallel_choice.is_null()) doc["config"]["parallel_choice"] = run.parallel_choice;
    for (const auto& [name, task] : run.tasks) doc["tasks"][name] = to_json(task);
    if (run.memory) doc["memory"] = to_json(*run.memory);
    if (run.speed) doc["speed"] = write_fields(*run.speed, kSpeedFields);
    for (const auto& s : run.sessions) doc["sessions"].push_back(to_json(s));
    return doc;
}

Result<RunRecord> run_record_from_json(const json& j) {
    FieldReader r(j, "");
    RunRecord run;
    r.get_if_present("schema_version", run.schema_version);
    if (r.has("environment") && j["environment"].is_object()) run.environment = j["environment"];
    if (!r.has("model")) r.fail("model", "an object");
    read_fields(r, r.child("model"), "model", run.model,
                [](auto& m, auto& v) { model_fields(m, v); });
    if (!r.has("config")) r.fail("config", "an object");
    read_config(r, r.child("config"), run);
    // The top-level seed and protocol repeat the spec's; older files have only these.
    r.get_if_present("seed", run.spec.seed);
    r.get_if_present("protocol", run.spec.protocol);
    if (!r.has("tasks")) r.fail("tasks", "an object");
    read_tasks(r, r.child("tasks"), run);
    r.get_if_present("complete", run.complete);
    read_repairs(r, run.repairs);
    read_memory(r, run.memory);
    if (r.has("speed")) {
        run.speed.emplace();
        read_fields(r, r.child("speed"), "speed", *run.speed, kSpeedFields);
    }
    read_sessions(r, run.sessions);
    BIOMEDQ_TRY(r.status());
    return run;
}

}  // namespace biomedq
