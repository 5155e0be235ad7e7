// BioCreative VI ChemProt gold-standard folder (e.g. chemprot_test_gs/) -> one Example per
// abstract:
//   id     = PMID
//   text   = title + " " + abstract (the offsets' convention; every entity's text is checked)
//            The file's offsets count Unicode code points (209 abstracts hold non-ASCII text such
//            as "NF-κB"); they are converted to the byte offsets Span holds.
//   spans  = the entities, type CHEMICAL, GENE-Y or GENE-N, sorted by (begin, end)
//   labels = the evaluated gold relations, "CPR:<n>|<arg1 id>|<arg2 id>" e.g. "CPR:4|T18|T49", in
//            the gold file's order. The ids are those of BLUE's row index PMID.<arg1>.<arg2>.
// Only *_gold_standard.tsv (the 5 evaluated classes, what BLUE used) is read; *_relations_gs.tsv
// (all 10 groups) is not. DataSource::label_set, when given, restricts the CPR class. Files are
// found by suffix (*_abstracts_gs.tsv, *_entities_gs.tsv, *_gold_standard.tsv) so the training and
// development folders load too.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "core/file_io.h"
#include "core/whole_number.h"
#include "data/loader_errors.h"
#include "data/loaders.h"
#include "data/text_lines.h"
#include "data/tsv_fields.h"
#include "data/utf8_offsets.h"

namespace biomedq::data {
namespace {

namespace fs = std::filesystem;

Result<std::string> find_file(const std::string& folder, const std::string& suffix) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        return make_error(ErrorCode::kNotFound,
                          folder + ": not a folder (chemprot_gs expects the gold-standard folder)");
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.ends_with(suffix)) found.push_back(entry.path().string());
    }
    if (found.size() != 1) {
        return make_error(ErrorCode::kNotFound, folder + ": expected exactly one *" + suffix +
                                                    " file, found " + std::to_string(found.size()));
    }
    return found[0];
}

Result<std::size_t> parse_offset(std::string_view field, const std::string& path, std::size_t line,
                                 std::string_view name) {
    const auto value = whole_number<std::size_t>(field);
    if (!value) {
        return field_error(path, line, name,
                           "expected a non-negative integer, found \"" + std::string(field) + "\"");
    }
    return *value;
}

struct Abstracts {
    Dataset dataset;
    std::unordered_map<std::string, std::size_t> index_of;  // PMID -> examples index
    // Per abstract: entity ids, for checking the gold relations' arguments.
    std::vector<std::unordered_set<std::string>> entity_ids;
    std::vector<CodePointToByte> byte_offsets;  // per abstract
};

Status read_abstracts(const std::string& path, Abstracts& out) {
    BIOMEDQ_ASSIGN(const std::string content, read_file(path));
    for (const TextLine& line : split_lines(content)) {
        BIOMEDQ_ASSIGN(const auto fields,
                       split_columns(path, line.number, line.text, {"PMID", "title", "abstract"}));
        const std::string pmid(fields[0]);
        if (pmid.empty()) return field_error(path, line.number, "PMID", "empty");
        if (!out.index_of.emplace(pmid, out.dataset.examples.size()).second) {
            return field_error(path, line.number, "PMID", "duplicate PMID " + pmid);
        }
        Example example;
        example.id = pmid;
        example.text.reserve(fields[1].size() + 1 + fields[2].size());
        example.text.append(fields[1]).append(" ").append(fields[2]);
        example.source = line_source(path, line.number);
        out.dataset.examples.push_back(std::move(example));
        out.entity_ids.emplace_back();
        out.byte_offsets.emplace_back(out.dataset.examples.back().text);
    }
    if (out.dataset.examples.empty()) {
        return make_error(ErrorCode::kParse, path + ": no abstracts (the file is empty)");
    }
    return Status::success();
}

Result<std::size_t> abstract_of(const Abstracts& abstracts, std::string_view pmid,
                                const std::string& path, std::size_t line) {
    const auto it = abstracts.index_of.find(std::string(pmid));
    if (it == abstracts.index_of.end()) {
        return field_error(path, line, "PMID",
                           "PMID " + std::string(pmid) + " is not in the abstracts file");
    }
    return it->second;
}

Status read_entities(const std::string& path, Abstracts& abstracts) {
    BIOMEDQ_ASSIGN(const std::string content, read_file(path));
    for (const TextLine& line : split_lines(content)) {
        BIOMEDQ_ASSIGN(const auto fields,
                       split_columns(path, line.number, line.text,
                                     {"PMID", "id", "type", "start", "end", "text"}));
        BIOMEDQ_ASSIGN(const std::size_t at, abstract_of(abstracts, fields[0], path, line.number));
        Example& example = abstracts.dataset.examples[at];
        if (fields[2] != "CHEMICAL" && fields[2] != "GENE-Y" && fields[2] != "GENE-N") {
            return field_error(
                path, line.number, "type",
                "\"" + std::string(fields[2]) + "\", expected CHEMICAL, GENE-Y or GENE-N");
        }
        BIOMEDQ_ASSIGN(const std::size_t start,
                       parse_offset(fields[3], path, line.number, "start"));
        BIOMEDQ_ASSIGN(const std::size_t stop, parse_offset(fields[4], path, line.number, "end"));
        const auto begin = abstracts.byte_offsets[at](start);
        const auto end = abstracts.byte_offsets[at](stop);
        if (!begin || !end || start > stop) {
            return field_error(path, line.number, "end",
                               "offsets [" + std::to_string(start) + ", " + std::to_string(stop) +
                                   ") are outside the text (title + \" \" + abstract)");
        }
        const std::string_view at_offsets =
            std::string_view(example.text).substr(*begin, *end - *begin);
        if (at_offsets != fields[5]) {
            return field_error(path, line.number, "text",
                               "\"" + std::string(fields[5]) +
                                   "\" differs from the text at its offsets: \"" +
                                   std::string(at_offsets) + "\"");
        }
        if (!abstracts.entity_ids[at].emplace(fields[1]).second) {
            return field_error(path, line.number, "id",
                               "duplicate entity id " + std::string(fields[1]));
        }
        example.spans.push_back(Span{*begin, *end, std::string(fields[2])});
    }
    return Status::success();
}

Status read_gold_relations(const std::string& path, const DataSource& source,
                           Abstracts& abstracts) {
    BIOMEDQ_ASSIGN(const std::string content, read_file(path));
    for (const TextLine& line : split_lines(content)) {
        BIOMEDQ_ASSIGN(const auto fields, split_columns(path, line.number, line.text,
                                                        {"PMID", "CPR:n", "Arg1:Tn", "Arg2:Tm"}));
        BIOMEDQ_ASSIGN(const std::size_t at, abstract_of(abstracts, fields[0], path, line.number));
        const std::string relation(fields[1]);
        if (!relation.starts_with("CPR:")) {
            return field_error(path, line.number, "relation",
                               "\"" + relation + "\", expected CPR:<n>");
        }
        BIOMEDQ_TRY(check_label(source.label_set, relation, path, line.number, "relation"));
        std::string label = relation;
        static constexpr std::string_view kArgPrefix[] = {"Arg1:", "Arg2:"};
        for (std::size_t i = 0; i < 2; ++i) {
            const std::string_view arg = fields[2 + i];
            const std::string name = "Arg" + std::to_string(i + 1);
            if (!arg.starts_with(kArgPrefix[i])) {
                return field_error(
                    path, line.number, name,
                    fmt::format("\"{}\", expected {}<entity id>", arg, kArgPrefix[i]));
            }
            const std::string id(arg.substr(kArgPrefix[i].size()));
            if (!abstracts.entity_ids[at].contains(id)) {
                return field_error(path, line.number, name,
                                   "entity " + id + " is not in the entities file for PMID " +
                                       std::string(fields[0]));
            }
            label += "|" + id;
        }
        abstracts.dataset.examples[at].labels.push_back(std::move(label));
    }
    return Status::success();
}

}  // namespace

Result<Dataset> load_chemprot_gs(const DataSource& source) {
    BIOMEDQ_ASSIGN(const std::string abstracts_path, find_file(source.path, "_abstracts_gs.tsv"));
    BIOMEDQ_ASSIGN(const std::string entities_path, find_file(source.path, "_entities_gs.tsv"));
    BIOMEDQ_ASSIGN(const std::string gold_path, find_file(source.path, "_gold_standard.tsv"));
    Abstracts abstracts;
    abstracts.dataset = Dataset{"chemprot_gs", source.path, {}, {}};
    BIOMEDQ_TRY(read_abstracts(abstracts_path, abstracts));
    BIOMEDQ_TRY(read_entities(entities_path, abstracts));
    BIOMEDQ_TRY(read_gold_relations(gold_path, source, abstracts));
    for (auto& example : abstracts.dataset.examples) {
        std::sort(example.spans.begin(), example.spans.end());
    }
    return std::move(abstracts.dataset);
}

}  // namespace biomedq::data
