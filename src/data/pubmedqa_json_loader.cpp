// PubMedQA PQA-L JSON (ori_pqal.json: {pmid: {QUESTION, CONTEXTS, final_decision, ...}}) -> one
// Example per question, in file order. With DataSource::secondary_path (test_ground_truth.json:
// {pmid: decision}) only those ids are loaded, in the ground truth's order, labelled by the ground
// truth; a ground-truth label that disagrees with final_decision is kept and counted in warnings.
//
// nlohmann reports no positions for parsed values, so records are located by a separate linear scan
// for the line of each top-level key; errors and Example::source use it.
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/file_io.h"
#include "data/loader_errors.h"
#include "data/loaders.h"
#include "data/pubmedqa_fields.h"

namespace biomedq::data {
namespace {

using nlohmann::ordered_json;

std::size_t line_of_offset(const std::string& content, std::size_t offset) {
    offset = std::min(offset, content.size());
    return 1 + static_cast<std::size_t>(std::count(
                   content.begin(), content.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Line of each top-level key, found in one pass (JSON strings and nesting tracked), so locating
// records stays linear in the file size. Keys are taken raw, without unescaping: PMIDs hold no
// escapes.
std::unordered_map<std::string, std::size_t> top_level_key_lines(const std::string& content) {
    std::unordered_map<std::string, std::size_t> lines;
    std::size_t line = 1;
    int depth = 0;
    for (std::size_t i = 0; i < content.size(); ++i) {
        const char c = content[i];
        if (c == '\n') ++line;
        if (c == '{' || c == '[') ++depth;
        if (c == '}' || c == ']') --depth;
        if (c != '"') continue;
        const std::size_t start = i + 1;
        std::size_t j = start;
        while (j < content.size() && content[j] != '"') j += content[j] == '\\' ? 2 : 1;
        const std::size_t string_line = line;
        for (std::size_t k = start; k < j && k < content.size(); ++k) line += content[k] == '\n';
        i = j;
        if (depth != 1) continue;
        std::size_t next = j + 1;
        while (next < content.size() && std::isspace(static_cast<unsigned char>(content[next])))
            ++next;
        if (next < content.size() && content[next] == ':') {
            lines.emplace(content.substr(start, j - start), string_line);
        }
    }
    return lines;
}

Result<ordered_json> parse_json_object(const std::string& path, const std::string& content) {
    ordered_json document;
    try {
        document = ordered_json::parse(content);
    } catch (const ordered_json::parse_error& e) {
        return line_error(path, line_of_offset(content, e.byte == 0 ? 0 : e.byte - 1),
                          std::string("invalid JSON: ") + e.what());
    } catch (const ordered_json::exception& e) {
        return make_error(ErrorCode::kParse, path + ": invalid JSON: " + e.what());
    }
    if (!document.is_object()) {
        return line_error(
            path, 1,
            std::string("expected a JSON object keyed by PMID, found ") + document.type_name());
    }
    return document;
}

struct JsonFile {
    const std::string& path;
    std::unordered_map<std::string, std::size_t> key_lines;

    std::size_t line_of(const std::string& pmid) const {
        const auto it = key_lines.find(pmid);
        return it == key_lines.end() ? 1 : it->second;
    }
    Error field_error_at(const std::string& pmid, const std::string& field,
                         const std::string& what) const {
        return field_error(path, line_of(pmid), field, "record \"" + pmid + "\": " + what);
    }
};

Result<Example> read_record(const JsonFile& file, const std::string& pmid,
                            const ordered_json& record) {
    if (!record.is_object()) {
        return line_error(
            file.path, file.line_of(pmid),
            "record \"" + pmid + "\": expected an object, found " + record.type_name());
    }
    const auto question = record.find("QUESTION");
    if (question == record.end()) return file.field_error_at(pmid, "QUESTION", "missing");
    if (!question->is_string()) return file.field_error_at(pmid, "QUESTION", "expected a string");
    const auto contexts = record.find("CONTEXTS");
    if (contexts == record.end()) return file.field_error_at(pmid, "CONTEXTS", "missing");
    if (!contexts->is_array())
        return file.field_error_at(pmid, "CONTEXTS", "expected a list of strings");
    std::vector<std::string> texts;
    for (const auto& context : *contexts) {
        if (!context.is_string())
            return file.field_error_at(pmid, "CONTEXTS", "expected a list of strings");
        texts.push_back(context.get<std::string>());
    }
    const auto decision = record.find("final_decision");
    if (decision == record.end()) return file.field_error_at(pmid, "final_decision", "missing");
    if (!decision->is_string() || !is_pubmedqa_decision(decision->get<std::string>())) {
        return file.field_error_at(pmid, "final_decision", "expected \"yes\", \"no\" or \"maybe\"");
    }
    return make_pubmedqa_example(pmid, question->get<std::string>(), texts,
                                 decision->get<std::string>());
}

}  // namespace

Result<Dataset> load_pubmedqa_json(const DataSource& source) {
    BIOMEDQ_ASSIGN(const std::string content, read_file(source.path));
    BIOMEDQ_ASSIGN(const ordered_json records, parse_json_object(source.path, content));
    const JsonFile file{source.path, top_level_key_lines(content)};
    Dataset dataset{"pubmedqa_json", source.path, {}, {}};

    if (source.secondary_path.empty()) {
        for (const auto& [pmid, record] : records.items()) {
            BIOMEDQ_ASSIGN(Example example, read_record(file, pmid, record));
            BIOMEDQ_TRY(check_label(source.label_set, example.labels[0], source.path,
                                    file.line_of(pmid), "final_decision"));
            example.source = source.path + ":" + std::to_string(file.line_of(pmid));
            dataset.examples.push_back(std::move(example));
        }
    } else {
        BIOMEDQ_ASSIGN(const std::string truth_content, read_file(source.secondary_path));
        BIOMEDQ_ASSIGN(const ordered_json truth,
                       parse_json_object(source.secondary_path, truth_content));
        const JsonFile truth_file{source.secondary_path, top_level_key_lines(truth_content)};
        for (const auto& [pmid, label] : truth.items()) {
            if (!label.is_string() || !is_pubmedqa_decision(label.get<std::string>())) {
                return field_error(source.secondary_path, truth_file.line_of(pmid), pmid,
                                   "expected \"yes\", \"no\" or \"maybe\"");
            }
            const auto record = records.find(pmid);
            if (record == records.end()) {
                return field_error(source.secondary_path, truth_file.line_of(pmid), pmid,
                                   "PMID not found in " + source.path);
            }
            BIOMEDQ_ASSIGN(Example example, read_record(file, pmid, *record));
            const std::string truth_label = label.get<std::string>();
            BIOMEDQ_TRY(check_label(source.label_set, truth_label, source.secondary_path,
                                    truth_file.line_of(pmid), pmid));
            if (example.labels[0] != truth_label) {
                dataset.warnings.push_back(source.secondary_path + ": PMID " + pmid +
                                           ": ground truth \"" + truth_label +
                                           "\" differs from final_decision \"" + example.labels[0] +
                                           "\"; using the ground truth");
                example.labels[0] = truth_label;
            }
            example.source = source.path + ":" + std::to_string(file.line_of(pmid));
            dataset.examples.push_back(std::move(example));
        }
    }
    return non_empty(std::move(dataset), "no questions (the object is empty)");
}

}  // namespace biomedq::data
