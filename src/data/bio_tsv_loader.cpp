// BIO/CoNLL `token<TAB>tag` files (BC5CDR-chem, NCBI-disease in BLUE form). A strict reader: an `I`
// that continues nothing is an error, because the CoNLL-2003 "IOB1" convention that would allow it
// is not what these files use (every mention in them starts with B), so such a tag means a damaged
// file.
#include <optional>

#include "core/file_io.h"
#include "data/loader_errors.h"
#include "data/loaders.h"
#include "data/text_lines.h"
#include "data/tsv_fields.h"

namespace biomedq::data {
namespace {

struct Tag {
    char kind = 'O';   // 'B', 'I' or 'O'
    std::string type;  // suffix after "B-"/"I-", empty when the tag carries none
};

std::optional<Tag> parse_tag(std::string_view tag) {
    if (tag == "O") return Tag{'O', {}};
    if (tag == "B" || tag == "I") return Tag{tag[0], {}};
    if (tag.size() > 2 && (tag[0] == 'B' || tag[0] == 'I') && tag[1] == '-') {
        return Tag{tag[0], std::string(tag.substr(2))};
    }
    return std::nullopt;
}

// The sample200 files were written by a CSV writer, so their `"` token reads `""""`. A token that
// is a whole quoted field with a non-empty value is unquoted; a bare `"` (the full files) stays as
// is.
std::string read_token(std::string_view field) {
    if (field.size() >= 3 && field.front() == '"' && field.back() == '"') {
        auto unquoted = unquote_csv_field(field);
        if (unquoted.ok() && !unquoted->empty()) return std::move(unquoted).value();
    }
    return std::string(field);
}

// Builds Example::text and spans incrementally as tokens arrive.
class SentenceBuilder {
public:
    explicit SentenceBuilder(std::string default_type) : default_type_(std::move(default_type)) {}

    bool empty() const { return example_.tokens.empty(); }

    // Error message (without location) when `tag` cannot follow the previous one.
    std::optional<std::string> add(std::string token, const Tag& tag) {
        const std::size_t begin = example_.text.empty() ? 0 : example_.text.size() + 1;
        if (!example_.text.empty()) example_.text += ' ';
        example_.text += token;
        example_.tokens.push_back(std::move(token));
        const std::string type = tag.type.empty() ? default_type_ : tag.type;
        if (tag.kind == 'I') {
            if (!open_) return "\"I\" tag does not continue a mention (no B or I before it)";
            if (example_.spans.back().type != type) {
                return "\"I-" + tag.type + "\" continues a mention of type \"" +
                       example_.spans.back().type + "\"";
            }
            example_.spans.back().end = example_.text.size();
            return std::nullopt;
        }
        open_ = tag.kind == 'B';
        if (open_) example_.spans.push_back(Span{begin, example_.text.size(), type});
        return std::nullopt;
    }

    Example finish(std::string id, std::string source) {
        Example done = std::move(example_);
        done.id = std::move(id);
        done.source = std::move(source);
        example_ = Example{};
        open_ = false;
        return done;
    }

private:
    std::string default_type_;
    Example example_;
    bool open_ = false;  // the last token is inside a mention
};

}  // namespace

Result<Dataset> load_bio_tsv(const DataSource& source) {
    BIOMEDQ_ASSIGN(const std::string content, read_file(source.path));
    Dataset dataset{"bio_tsv", source.path, {}, {}};
    const std::string& path = source.path;
    SentenceBuilder sentence(source.entity_type);
    std::size_t first_line = 0;
    auto flush = [&] {
        const std::string id = std::to_string(dataset.examples.size());
        dataset.examples.push_back(sentence.finish(id, path + ":" + std::to_string(first_line)));
    };
    for (const TextLine& line : split_lines(content)) {
        // The sample200 files separate sentences with a line holding one TAB instead of an empty
        // line.
        if (line.text.find_first_not_of(" \t") == std::string_view::npos) {
            if (!sentence.empty()) flush();
            continue;
        }
        BIOMEDQ_ASSIGN(const auto fields,
                       split_columns(path, line.number, line.text, {"token", "tag"}));
        if (fields[0].empty()) return field_error(path, line.number, "token", "empty");
        const auto tag = parse_tag(fields[1]);
        if (!tag) {
            return field_error(path, line.number, "tag",
                               "unknown tag \"" + std::string(fields[1]) +
                                   "\", expected O, B, I, B-<type> or I-<type>");
        }
        if (sentence.empty()) first_line = line.number;
        if (auto problem = sentence.add(read_token(fields[0]), *tag)) {
            return field_error(path, line.number, "tag", *problem);
        }
    }
    if (!sentence.empty()) flush();
    return non_empty(std::move(dataset), "no sentences (the file is empty)");
}

}  // namespace biomedq::data
