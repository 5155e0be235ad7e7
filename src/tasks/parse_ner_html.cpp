// NER replies in the published protocol's format (Chen et al. 2025): the sentence again, with
// <span> ... </span> around every entity. When the reply without its tags is the sentence (ignoring
// whitespace, which models and the tokenized gold text space differently), each tagged stretch maps
// to the same characters of Example::text: only the occurrence the model marked counts, as in the
// publishers' token-level scoring. When the model rewrote the sentence, the tagged strings are
// looked up instead (every occurrence, as ner_mentions does). A reply with no tags that reproduces
// the sentence predicts no entity; an empty reply is invalid.
#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "tasks/answer_text.h"
#include "tasks/mention_spans.h"
#include "tasks/parser_options.h"
#include "tasks/parser_table.h"

namespace biomedq::tasks {
namespace {

struct TaggedText {
    std::string plain;                                        // the reply without tags
    std::vector<std::pair<std::size_t, std::size_t>> tagged;  // [begin, end) in plain
};

bool starts_with_tag(std::string_view text, std::size_t at, std::string_view tag) {
    if (text.size() - at < tag.size()) return false;
    for (std::size_t i = 0; i < tag.size(); ++i) {
        if (text::to_lower(text[at + i]) != tag[i]) return false;
    }
    return true;
}

// Removes <span ...> and </span> (any case); other text, other tags included, stays.
TaggedText strip_span_tags(std::string_view reply) {
    TaggedText out;
    std::size_t open_at = std::string::npos;
    for (std::size_t i = 0; i < reply.size();) {
        const bool opening = starts_with_tag(reply, i, "<span") &&
                             (i + 5 == reply.size() || reply[i + 5] == '>' || reply[i + 5] == ' ');
        const bool closing = starts_with_tag(reply, i, "</span>");
        if (opening || closing) {
            const std::size_t end = reply.find('>', i);
            if (end == std::string_view::npos) break;
            if (opening && open_at == std::string::npos) open_at = out.plain.size();
            if (closing && open_at != std::string::npos) {
                out.tagged.emplace_back(open_at, out.plain.size());
                open_at = std::string::npos;
            }
            i = end + 1;
            continue;
        }
        out.plain += reply[i++];
    }
    return out;
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Offsets of the non-space characters of `text`.
std::vector<std::size_t> non_space_offsets(std::string_view text) {
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!is_space(text[i])) offsets.push_back(i);
    }
    return offsets;
}

bool same_non_space_text(std::string_view a, const std::vector<std::size_t>& a_offsets,
                         std::string_view b, const std::vector<std::size_t>& b_offsets) {
    if (a_offsets.size() != b_offsets.size()) return false;
    for (std::size_t i = 0; i < a_offsets.size(); ++i) {
        if (a[a_offsets[i]] != b[b_offsets[i]]) return false;
    }
    return true;
}

// The tagged stretches carried over to Example::text through the shared non-space characters.
std::vector<Span> aligned_spans(const TaggedText& reply,
                                const std::vector<std::size_t>& reply_offsets,
                                const std::vector<std::size_t>& text_offsets,
                                const std::string& type) {
    std::vector<Span> spans;
    std::size_t k = 0;  // index into reply_offsets
    for (const auto& [begin, end] : reply.tagged) {
        while (k < reply_offsets.size() && reply_offsets[k] < begin) ++k;
        std::size_t last = k;
        while (last < reply_offsets.size() && reply_offsets[last] < end) ++last;
        if (last == k) continue;  // an empty <span></span>
        spans.push_back(Span{text_offsets[k], text_offsets[last - 1] + 1, type});
    }
    std::sort(spans.begin(), spans.end());
    spans.erase(std::unique(spans.begin(), spans.end()), spans.end());
    return spans;
}

}  // namespace

Prediction parse_ner_html_spans(const TaskConfig& task, const Example& example,
                                std::string_view text) {
    Prediction pred;
    if (trim(text).empty()) return pred;
    pred.valid = true;
    const TaggedText reply = strip_span_tags(trim(text));
    const auto reply_offsets = non_space_offsets(reply.plain);
    const auto text_offsets = non_space_offsets(example.text);
    if (same_non_space_text(reply.plain, reply_offsets, example.text, text_offsets)) {
        pred.spans = aligned_spans(reply, reply_offsets, text_offsets, task.data.entity_type);
        return pred;
    }
    std::vector<std::string> mentions;
    for (const auto& [begin, end] : reply.tagged) {
        const std::string_view mention =
            trim(std::string_view(reply.plain).substr(begin, end - begin));
        if (!mention.empty()) mentions.emplace_back(mention);
    }
    pred.spans = mention_spans(example, mentions, task.data.entity_type, /*drop_nested=*/true);
    return pred;
}

}  // namespace biomedq::tasks
