#include "data/python_string_list.h"

#include <cctype>
#include <charconv>

namespace biomedq::data {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

class ListReader {
public:
    explicit ListReader(std::string_view text) : text_(text) {}

    Result<std::vector<std::string>> read() {
        skip_space();
        if (!consume('[')) return fail("expected '['");
        std::vector<std::string> items;
        skip_space();
        if (consume(']')) return finish(std::move(items));
        while (true) {
            skip_space();
            auto item = read_string();
            if (!item.ok()) return item.error();
            items.push_back(std::move(item).value());
            skip_space();
            if (consume(']')) return finish(std::move(items));
            if (!consume(',')) return fail("expected ',' or ']'");
        }
    }

    // [{'key': 'A', 'value': 'text'}, ...]: string keys and string values only.
    Result<std::vector<PythonDict>> read_dicts() {
        skip_space();
        if (!consume('[')) return fail("expected '['");
        std::vector<PythonDict> items;
        skip_space();
        if (consume(']')) return finish(std::move(items));
        while (true) {
            skip_space();
            BIOMEDQ_ASSIGN(PythonDict item, read_dict());
            items.push_back(std::move(item));
            skip_space();
            if (consume(']')) return finish(std::move(items));
            if (!consume(',')) return fail("expected ',' or ']'");
        }
    }

private:
    Result<PythonDict> read_dict() {
        if (!consume('{')) return fail("expected '{'");
        PythonDict dict;
        skip_space();
        if (consume('}')) return dict;
        while (true) {
            skip_space();
            BIOMEDQ_ASSIGN(std::string key, read_string());
            skip_space();
            if (!consume(':')) return fail("expected ':'");
            skip_space();
            BIOMEDQ_ASSIGN(std::string value, read_string());
            dict.emplace_back(std::move(key), std::move(value));
            skip_space();
            if (consume('}')) return dict;
            if (!consume(',')) return fail("expected ',' or '}'");
        }
    }

    template <typename T>
    Result<std::vector<T>> finish(std::vector<T> items) {
        skip_space();
        if (pos_ != text_.size()) return fail("unexpected text after ']'");
        return items;
    }

    Result<std::string> read_string() {
        if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
            return fail("expected a quoted string");
        }
        const char quote = text_[pos_++];
        std::string out;
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == quote) return out;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) break;
            const char e = text_[pos_++];
            switch (e) {
                case '\\':
                    out += '\\';
                    break;
                case '\'':
                    out += '\'';
                    break;
                case '"':
                    out += '"';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'x':
                case 'u':
                case 'U': {
                    const std::size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (pos_ + digits > text_.size())
                        return fail("truncated \\" + std::string(1, e) + " escape");
                    std::uint32_t cp = 0;
                    const char* first = text_.data() + pos_;
                    const auto [ptr, ec] = std::from_chars(first, first + digits, cp, 16);
                    if (ec != std::errc() || ptr != first + digits || cp > 0x10FFFF) {
                        return fail("bad \\" + std::string(1, e) + " escape");
                    }
                    append_utf8(out, cp);
                    pos_ += digits;
                    break;
                }
                default:  // Python keeps unknown escapes literally
                    out += '\\';
                    out += e;
            }
        }
        return fail("unterminated string");
    }

    void skip_space() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    bool consume(char c) {
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    Error fail(const std::string& what) const {
        return make_error(ErrorCode::kParse, "Python list literal: " + what + " at character " +
                                                 std::to_string(pos_ + 1));
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

Result<std::vector<std::string>> parse_python_string_list(std::string_view literal) {
    return ListReader(literal).read();
}

Result<std::vector<PythonDict>> parse_python_dict_list(std::string_view literal) {
    return ListReader(literal).read_dicts();
}

}  // namespace biomedq::data
