#include "core/redact.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <vector>

#include "core/text.h"

namespace biomedq {
namespace {

// Shorter secrets are not looked for in free text: "pass" or "token" would match ordinary words and
// change model answers, a silently wrong score. Their URL forms (userinfo, query values) are still
// redacted by shape.
constexpr std::size_t kMinSecret = 8;

struct Registry {
    std::mutex mutex;
    std::vector<std::string> secrets;
};

Registry& registry() {
    static Registry r;
    return r;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() &&
            std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string base64(std::string_view in) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                           (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i < in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// Where a URL's authority (or a query value) ends.
bool ends_url_part(char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '?' || c == '#' ||
           c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
}

bool ends_query_value(char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '&' || c == '#' || c == ';' ||
           c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == ')' || c == ']' ||
           c == '}' || c == ',';
}

bool secret_parameter(std::string_view name) {
    std::string n;
    for (char c : name) n += text::to_lower(c);
    for (const char* word : {"key", "token", "secret", "pass", "auth", "sig", "credential"}) {
        if (n.find(word) != std::string::npos) return true;
    }
    return false;
}

// The userinfo of one "scheme://userinfo@host" at `scheme_end` (the offset of "://"), as [begin,
// end).
std::pair<std::size_t, std::size_t> userinfo_at(std::string_view text, std::size_t scheme_end) {
    const std::size_t begin = scheme_end + 3;
    std::size_t end = begin;
    std::size_t at = std::string_view::npos;
    while (end < text.size() && !ends_url_part(text[end])) {
        if (text[end] == '@') at = end;
        ++end;
    }
    return {begin, at == std::string_view::npos ? begin : at};
}

// Query parameters "?name=value" / "&name=value" whose name says secret: the value's [begin, end).
template <typename Visit>
void for_each_secret_parameter(std::string_view text, Visit visit) {
    for (std::size_t eq = text.find('='); eq != std::string_view::npos;
         eq = text.find('=', eq + 1)) {
        std::size_t name_begin = eq;
        while (name_begin > 0 && (std::isalnum(static_cast<unsigned char>(text[name_begin - 1])) ||
                                  text[name_begin - 1] == '_' || text[name_begin - 1] == '-' ||
                                  text[name_begin - 1] == '.')) {
            --name_begin;
        }
        if (name_begin == eq || name_begin == 0) continue;
        const char before = text[name_begin - 1];
        if (before != '?' && before != '&' && before != ';') continue;
        if (!secret_parameter(text.substr(name_begin, eq - name_begin))) continue;
        std::size_t end = eq + 1;
        while (end < text.size() && !ends_query_value(text[end])) ++end;
        if (end > eq + 1) visit(eq + 1, end);
    }
}

std::string replace_secret(std::string text, const std::string& secret) {
    std::string out;
    std::size_t from = 0;
    for (std::size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, from)) {
        out.append(text, from, pos - from);
        out += kRedacted;
        from = pos + secret.size();
    }
    if (from == 0) return text;
    out.append(text, from, std::string::npos);
    return out;
}

// A tail of `text` that is the start of `secret` (at least kMinSecret characters) is replaced.
void replace_secret_prefix_tail(std::string& text, const std::string& secret) {
    const std::size_t longest = std::min(text.size(), secret.size() - 1);
    for (std::size_t n = longest; n >= kMinSecret; --n) {
        if (text.compare(text.size() - n, n, secret, 0, n) == 0) {
            text.replace(text.size() - n, n, kRedacted);
            return;
        }
    }
}

}  // namespace

void register_secret(std::string_view secret) {
    if (secret.size() < kMinSecret) return;
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    if (std::find(r.secrets.begin(), r.secrets.end(), secret) == r.secrets.end()) {
        r.secrets.emplace_back(secret);
        // Longest first, so a secret containing another is replaced whole.
        std::sort(r.secrets.begin(), r.secrets.end(),
                  [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    }
}

void register_url_secrets(std::string_view url) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end != std::string_view::npos) {
        const auto [begin, end] = userinfo_at(url, scheme_end);
        if (end > begin) {
            const std::string_view userinfo = url.substr(begin, end - begin);
            const std::size_t colon = userinfo.find(':');
            const std::string_view user = userinfo.substr(0, colon);
            const std::string_view password =
                colon == std::string_view::npos ? std::string_view() : userinfo.substr(colon + 1);
            const std::string_view secret = password.empty() ? user : password;
            register_secret(secret);
            register_secret(percent_decode(secret));
            register_secret(base64(percent_decode(user) + ":" + percent_decode(password)));
        }
    }
    for_each_secret_parameter(url, [&](std::size_t begin, std::size_t end) {
        register_secret(url.substr(begin, end - begin));
        register_secret(percent_decode(url.substr(begin, end - begin)));
    });
}

std::string redact(std::string_view text_in) {
    std::string text(text_in);
    {
        auto& r = registry();
        std::lock_guard lock(r.mutex);
        for (const auto& secret : r.secrets) text = replace_secret(std::move(text), secret);
        for (const auto& secret : r.secrets) replace_secret_prefix_tail(text, secret);
    }
    // URL userinfo, right to left so earlier offsets stay valid.
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    for (std::size_t s = text.find("://"); s != std::string::npos; s = text.find("://", s + 3)) {
        const auto span = userinfo_at(text, s);
        if (span.second > span.first &&
            text.compare(span.first, span.second - span.first, kRedacted) != 0) {
            spans.push_back(span);
        }
    }
    for_each_secret_parameter(text, [&](std::size_t begin, std::size_t end) {
        if (text.compare(begin, kRedacted.size(), kRedacted) != 0) spans.emplace_back(begin, end);
    });
    std::sort(spans.begin(), spans.end());
    std::string out;
    std::size_t from = 0;
    for (const auto& [begin, end] : spans) {
        if (begin < from) continue;  // inside a span already replaced
        out.append(text, from, begin - from);
        out += kRedacted;
        from = end;
    }
    out.append(text, from, std::string::npos);
    return out;
}

std::string redact_cut(std::string_view text, std::size_t max_bytes) {
    std::string out = redact(text);
    if (out.size() <= max_bytes) return out;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    return out;
}

}  // namespace biomedq
