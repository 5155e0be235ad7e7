#include "data/pubtator_documents.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "core/whole_number.h"
#include "data/loader_errors.h"
#include "data/text_lines.h"
#include "data/tsv_fields.h"

namespace biomedq::data {
namespace {

// "PMID|t|title" -> {pmid, 't', title}; nullopt when the line is not a title/abstract line.
struct TextLineParts {
    std::string_view pmid;
    char kind = 0;
    std::string_view body;
};
std::optional<TextLineParts> parse_text_line(std::string_view line) {
    const std::size_t bar = line.find('|');
    if (bar == std::string_view::npos || bar + 2 >= line.size() || line[bar + 2] != '|') {
        return std::nullopt;
    }
    const std::string_view pmid = line.substr(0, bar);
    if (pmid.empty() || pmid.find('\t') != std::string_view::npos) return std::nullopt;
    return TextLineParts{pmid, line[bar + 1], line.substr(bar + 3)};
}

class Parser {
public:
    explicit Parser(const std::string& path) : path_(path) {}

    Status line(const TextLine& line) {
        if (line.text.find_first_not_of(" \t") == std::string_view::npos) {
            return close_document(line.number);
        }
        if (const auto parts = parse_text_line(line.text)) return text_line(*parts, line.number);
        return annotation_line(line);
    }

    Result<std::vector<PubtatorDocument>> finish(std::size_t last_line) {
        BIOMEDQ_TRY(close_document(last_line));
        if (documents_.empty()) {
            return make_error(ErrorCode::kParse, path_ + ": no documents (the file is empty)");
        }
        return std::move(documents_);
    }

private:
    Status text_line(const TextLineParts& parts, std::size_t number) {
        if (parts.kind == 't') {
            BIOMEDQ_TRY(close_document(number));
            current_ =
                PubtatorDocument{std::string(parts.pmid), std::string(parts.body), number, {}, 0};
            has_abstract_ = false;
            return Status::success();
        }
        if (parts.kind != 'a') {
            return field_error(path_, number, "section",
                               "expected \"t\" (title) or \"a\" (abstract), found \"" +
                                   std::string(1, parts.kind) + "\"");
        }
        if (!current_ || has_abstract_) {
            return field_error(path_, number, "section",
                               "abstract line without a title line before it");
        }
        if (parts.pmid != current_->pmid) return pmid_mismatch(number, parts.pmid);
        current_->text += ' ';
        current_->text += parts.body;
        has_abstract_ = true;
        return Status::success();
    }

    Status annotation_line(const TextLine& line) {
        const auto fields = split_tabs(line.text);
        if (!current_ || !has_abstract_) {
            return line_error(path_, line.number,
                              "annotation line before its document's title and abstract lines");
        }
        if (fields[0] != current_->pmid) return pmid_mismatch(line.number, fields[0]);
        if (fields.size() == 4 && fields[1] == "CID") {
            ++current_->n_relations;
            return Status::success();
        }
        if (fields.size() < 5) {
            return line_error(path_, line.number,
                              "expected a mention (PMID, start, end, mention, type[, id...]) or a "
                              "relation (PMID, CID, id, id), found " +
                                  std::to_string(fields.size()) + " TAB-separated fields");
        }
        const auto begin = whole_number<std::size_t>(fields[1]);
        if (!begin)
            return field_error(path_, line.number, "start", "expected a non-negative integer");
        const auto end = whole_number<std::size_t>(fields[2]);
        if (!end) return field_error(path_, line.number, "end", "expected a non-negative integer");
        const std::string& text = current_->text;
        if (*end > text.size() || *begin > *end) {
            return field_error(path_, line.number, "end",
                               "offsets [" + std::to_string(*begin) + ", " + std::to_string(*end) +
                                   ") are outside the text (title + \" \" + abstract has " +
                                   std::to_string(text.size()) + " characters)");
        }
        const std::string_view at_offsets = std::string_view(text).substr(*begin, *end - *begin);
        if (at_offsets != fields[3]) {
            return field_error(path_, line.number, "mention",
                               "\"" + std::string(fields[3]) + "\" differs from the text at [" +
                                   std::to_string(*begin) + ", " + std::to_string(*end) + "): \"" +
                                   std::string(at_offsets) + "\"");
        }
        if (fields[4].empty()) return field_error(path_, line.number, "type", "empty");
        current_->mentions.push_back(
            PubtatorMention{*begin, *end, std::string(fields[4]), line.number});
        return Status::success();
    }

    Status close_document(std::size_t number) {
        if (!current_) return Status::success();
        if (!has_abstract_) {
            return line_error(path_, number,
                              "document " + current_->pmid + " (title at line " +
                                  std::to_string(current_->line) + ") has no abstract line");
        }
        documents_.push_back(std::move(*current_));
        current_.reset();
        return Status::success();
    }

    Error pmid_mismatch(std::size_t number, std::string_view pmid) const {
        return field_error(path_, number, "PMID",
                           "\"" + std::string(pmid) + "\" differs from the document's PMID \"" +
                               current_->pmid + "\"");
    }

    const std::string& path_;
    std::vector<PubtatorDocument> documents_;
    std::optional<PubtatorDocument> current_;
    bool has_abstract_ = false;
};

}  // namespace

Result<std::vector<PubtatorDocument>> parse_pubtator(const std::string& path,
                                                     const std::string& content) {
    Parser parser(path);
    const auto lines = split_lines(content);
    for (const TextLine& line : lines) BIOMEDQ_TRY(parser.line(line));
    return parser.finish(lines.empty() ? 1 : lines.back().number);
}

}  // namespace biomedq::data

namespace biomedq::data {

Example pubtator_example(PubtatorDocument&& document, const std::string& path,
                         const std::string& only_type, const std::string& as_type) {
    Example example;
    example.id = document.pmid;
    example.text = std::move(document.text);
    example.source = line_source(path, document.line);
    for (const auto& mention : document.mentions) {
        if (!only_type.empty() && mention.type != only_type) continue;
        example.spans.push_back(
            Span{mention.begin, mention.end, as_type.empty() ? mention.type : as_type});
    }
    std::sort(example.spans.begin(), example.spans.end());
    return example;
}

}  // namespace biomedq::data
