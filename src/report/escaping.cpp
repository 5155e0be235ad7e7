// Escaping for the reports (HTML, Markdown, CSV): model names and dataset text are untrusted text.
#include <cctype>

#include "biomedq/report.h"
#include "core/text.h"

namespace biomedq {
namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string html_escape(std::string_view text) {
    return text::replace_chars(
        text, {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#39;"}});
}

std::string markdown_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '\n':
            case '\r':
                out += ' ';
                break;
            case '_': {
                const bool intraword =
                    i > 0 && i + 1 < text.size() && is_alnum(text[i - 1]) && is_alnum(text[i + 1]);
                out += intraword ? "_" : "\\_";
                break;
            }
            case '\\':
            case '`':
            case '*':
            case '[':
            case ']':
            case '|':
            case '~':
                out += '\\';
                out += c;
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string csv_escape(std::string_view text) {
    std::string field;
    // Spreadsheets run a cell starting with these as a formula (=HYPERLINK(...), +cmd|...): a
    // leading quote makes it text and is not shown.
    const bool formula =
        !text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos;
    if (formula) field += '\'';
    field += text;
    if (!formula && field.find_first_of(",\"\n\r") == std::string::npos) return field;
    std::string out = "\"";
    for (const char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string json_for_script(const nlohmann::json& value) {
    const std::string json = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string out;
    out.reserve(json.size());
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        // Outside strings these characters never occur in JSON, so escaping them everywhere is
        // safe.
        if (c == '<') {
            out += "\\u003c";
        } else if (c == '>') {
            out += "\\u003e";
        } else if (c == '&') {
            out += "\\u0026";
        } else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
                   (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
            out += json[i + 2] == '\xA8' ? "\\u2028"
                                         : "\\u2029";  // line separators end JS string literals
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace biomedq
