#include "data/quoted_tsv.h"

#include "data/loader_errors.h"

namespace biomedq::data {
namespace {

class QuotedTsvReader {
public:
    QuotedTsvReader(std::string_view content, std::string_view path)
        : text_(content), path_(path) {}

    Result<std::vector<QuotedTsvRow>> read() {
        std::vector<QuotedTsvRow> rows;
        while (pos_ < text_.size()) {
            if (at_line_end()) {  // a blank line
                skip_line_end();
                continue;
            }
            QuotedTsvRow row;
            row.line = line_;
            while (true) {
                BIOMEDQ_ASSIGN(std::string field, read_field(row.line));
                row.fields.push_back(std::move(field));
                if (pos_ < text_.size() && text_[pos_] == '\t') {
                    ++pos_;
                    continue;
                }
                break;
            }
            skip_line_end();
            rows.push_back(std::move(row));
        }
        return rows;
    }

private:
    bool at_line_end() const { return text_[pos_] == '\n' || text_.substr(pos_, 2) == "\r\n"; }

    void skip_line_end() {
        if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
        if (pos_ < text_.size() && text_[pos_] == '\n') {
            ++pos_;
            ++line_;
        }
    }

    Result<std::string> read_field(std::size_t record_line) {
        std::string out;
        if (pos_ >= text_.size() || text_[pos_] != '"') {
            while (pos_ < text_.size() && text_[pos_] != '\t' && text_[pos_] != '\n' &&
                   !(text_[pos_] == '\r' && text_.substr(pos_, 2) == "\r\n")) {
                out += text_[pos_++];
            }
            return out;
        }
        ++pos_;  // opening quote
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == '\n') ++line_;
            if (c != '"') {
                out += c;
                continue;
            }
            if (pos_ < text_.size() && text_[pos_] == '"') {  // doubled quote inside
                out += '"';
                ++pos_;
                continue;
            }
            if (pos_ < text_.size() && text_[pos_] != '\t' && text_[pos_] != '\n' &&
                text_[pos_] != '\r') {
                return line_error(path_, line_, "a quoted field has text after its closing quote");
            }
            return out;
        }
        return line_error(path_, record_line, "a quoted field has no closing quote");
    }

    std::string_view text_;
    std::string_view path_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

}  // namespace

Result<std::vector<QuotedTsvRow>> read_quoted_tsv(std::string_view content, std::string_view path) {
    return QuotedTsvReader(content, path).read();
}

}  // namespace biomedq::data
