#include "quant/dry_run_log.h"

#include <cctype>
#include <optional>

#include "llama/ggml_type_names.h"

namespace biomedq {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// A cursor over one line. Hand-written rather than std::regex: the recursive regex executor
// overflows the stack on long lines, and llama.cpp's log carries model metadata of any length.
struct Cursor {
    std::string_view text;
    std::size_t i = 0;

    bool at_end() const { return i >= text.size(); }
    std::size_t spaces() {  // how many were skipped
        const std::size_t from = i;
        while (!at_end() && is_space(text[i])) ++i;
        return i - from;
    }
    bool literal(std::string_view s) {
        if (text.substr(i, s.size()) != s) return false;
        i += s.size();
        return true;
    }
    // The longest run of characters `keep` accepts (may be empty).
    template <typename Keep>
    std::string_view run(Keep keep) {
        const std::size_t from = i;
        while (!at_end() && keep(text[i])) ++i;
        return text.substr(from, i - from);
    }
};

struct TensorLine {
    std::string_view n_total;
    std::string_view name;
    std::string_view type;        // the tensor's type in the source file
    std::string_view final_type;  // after "->", empty when the tensor keeps its type
};

// "[%4d/%4d] %-36s - [%s], type = %6s, size = %8.2f MiB" and an optional
// " -> %8.2f MiB (%s)", starting at the '[' at `at`.
std::optional<TensorLine> read_tensor_line(std::string_view text, std::size_t at) {
    Cursor c{text, at};
    TensorLine out;
    const auto number = [](char ch) { return is_digit(ch) || ch == '.'; };
    if (!c.literal("[")) return std::nullopt;
    c.spaces();
    if (c.run(is_digit).empty() || !c.literal("/")) return std::nullopt;
    c.spaces();
    out.n_total = c.run(is_digit);
    if (out.n_total.empty() || out.n_total.size() > 9 || !c.literal("]") || c.spaces() == 0)
        return std::nullopt;
    out.name = c.run([](char ch) { return !is_space(ch); });
    if (out.name.empty() || c.spaces() == 0 || !c.literal("-") || c.spaces() == 0)
        return std::nullopt;
    if (!c.literal("[")) return std::nullopt;
    c.run([](char ch) { return is_digit(ch) || ch == ',' || is_space(ch); });
    if (!c.literal("],") || c.spaces() == 0 || !c.literal("type") || c.spaces() == 0 ||
        !c.literal("=") || c.spaces() == 0) {
        return std::nullopt;
    }
    out.type = c.run([](char ch) { return !is_space(ch) && ch != ','; });
    if (out.type.empty() || !c.literal(",") || c.spaces() == 0 || !c.literal("size") ||
        c.spaces() == 0 || !c.literal("=") || c.spaces() == 0 || c.run(number).empty() ||
        c.spaces() == 0 || !c.literal("MiB")) {
        return std::nullopt;
    }
    // The "-> N MiB (type)" part is optional: a line without it (or with it garbled) keeps its
    // type.
    Cursor arrow = c;
    if (arrow.spaces() > 0 && arrow.literal("->") && arrow.spaces() > 0 &&
        !arrow.run(number).empty() && arrow.spaces() > 0 && arrow.literal("MiB") &&
        arrow.spaces() > 0 && arrow.literal("(")) {
        const auto final_type = arrow.run([](char ch) { return !is_space(ch) && ch != ')'; });
        if (!final_type.empty() && arrow.literal(")")) out.final_type = final_type;
    }
    return out;
}

}  // namespace

Result<std::map<std::string, ggml_type>> parse_dry_run_types(std::string_view log) {
    // Written against llama-quant.cpp's "[%4d/%4d] %-36s - [%s], type = %6s, " followed by either
    // "size = %8.2f MiB -> %8.2f MiB (%s)" or "size = %8.3f MiB".
    std::map<std::string, ggml_type> types;
    std::size_t n_announced = 0;
    std::size_t begin = 0;
    while (begin < log.size()) {
        std::size_t end = log.find('\n', begin);
        if (end == std::string_view::npos) end = log.size();
        const std::string_view line = log.substr(begin, end - begin);
        begin = end + 1;
        std::optional<TensorLine> m;
        for (std::size_t at = line.find('['); at != std::string_view::npos && !m;
             at = line.find('[', at + 1)) {
            m = read_tensor_line(line, at);
        }
        if (!m) continue;
        n_announced = std::stoul(std::string(m->n_total));
        const std::string name(m->name);
        const std::string type_name(m->final_type.empty() ? m->type : m->final_type);
        const std::optional<ggml_type> type = llama::ggml_type_from_name(type_name);
        if (!type) {
            return make_error(ErrorCode::kInternal,
                              "llama.cpp's quantization dry run gave tensor " + name + " type \"" +
                                  type_name + "\", which ggml does not name");
        }
        if (!types.emplace(name, *type).second) {
            return make_error(ErrorCode::kInternal,
                              "llama.cpp's quantization dry run listed tensor " + name + " twice");
        }
    }
    if (types.empty()) {
        return make_error(ErrorCode::kInternal,
                          "llama.cpp's quantization dry run logged no per-tensor lines (expected "
                          "\"[ i/ n] name - [shape], type = ..., size = ...\")");
    }
    if (types.size() != n_announced) {
        return make_error(ErrorCode::kInternal,
                          "llama.cpp's quantization dry run announced " +
                              std::to_string(n_announced) + " tensors, only " +
                              std::to_string(types.size()) + " of their lines could be read");
    }
    return types;
}

}  // namespace biomedq
