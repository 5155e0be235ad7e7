#include "tasks/label_matcher.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/text.h"

namespace biomedq::tasks {

namespace {
bool is_word_char(unsigned char c) { return std::isalnum(c) != 0 || c >= 0x80; }
}  // namespace

std::string normalize_for_match(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (unsigned char c : text) {
        if (is_word_char(c)) {
            if (pending_space && !out.empty()) out += ' ';
            pending_space = false;
            out += text::to_lower(static_cast<char>(c));
        } else {
            pending_space = true;
        }
    }
    return out;
}

std::vector<LabelForm> label_forms(const std::vector<LabelSpec>& labels) {
    std::vector<LabelForm> forms;
    std::set<std::pair<std::string, std::size_t>> seen;
    auto add = [&](const std::string& form, std::size_t label) {
        if (form.empty() || !seen.insert({form, label}).second) return;
        forms.push_back({form, label});
    };
    for (std::size_t i = 0; i < labels.size(); ++i) {
        std::vector<std::string> names = labels[i].synonyms;
        names.insert(names.begin(), labels[i].name);
        for (const auto& name : names) {
            const std::string form = normalize_for_match(name);
            add(form, i);
            std::string compact;
            for (char c : form) {
                if (c != ' ') compact += c;
            }
            add(compact, i);
        }
    }
    return forms;
}

std::vector<LabelHit> find_labels(std::string_view normalized,
                                  const std::vector<LabelForm>& forms) {
    std::vector<LabelHit> all;
    for (const auto& form : forms) {
        std::size_t pos = 0;
        while ((pos = normalized.find(form.form, pos)) != std::string_view::npos) {
            const std::size_t end = pos + form.form.size();
            const bool starts_word = pos == 0 || normalized[pos - 1] == ' ';
            const bool ends_word = end == normalized.size() || normalized[end] == ' ';
            if (starts_word && ends_word) all.push_back({form.label, pos, end});
            pos += 1;
        }
    }
    std::sort(all.begin(), all.end(), [](const LabelHit& a, const LabelHit& b) {
        if (a.begin != b.begin) return a.begin < b.begin;
        return a.end > b.end;
    });
    std::vector<LabelHit> kept;
    for (const auto& hit : all) {
        bool overlaps_longer = false;
        for (const auto& other : all) {
            const bool overlap = other.begin < hit.end && hit.begin < other.end;
            if (overlap && other.end - other.begin > hit.end - hit.begin) overlaps_longer = true;
        }
        if (overlaps_longer) continue;
        if (!kept.empty() && kept.back().end > hit.begin) continue;  // same span, another form
        kept.push_back(hit);
    }
    return kept;
}

int exact_label(std::string_view text, const std::vector<LabelForm>& forms) {
    const std::string normalized = normalize_for_match(text);
    for (const auto& form : forms) {
        if (form.form == normalized) return static_cast<int>(form.label);
    }
    return -1;
}

}  // namespace biomedq::tasks
