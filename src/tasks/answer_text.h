// Text clean-up shared by the answer parsers: what chat models wrap around an answer (reasoning
// blocks, markdown, "The answer is ..."), and where the JSON in an output is.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace biomedq::tasks {

// Drops everything up to the last "</think>" (reasoning models); an unclosed "<think>" is kept, as
// the answer may still be in it.
std::string strip_thinking(std::string_view text);

// Removes markdown emphasis and code marks (* ` #) and HTML-ish bold tags; keeps everything else.
std::string strip_markdown(std::string_view text);

// Offset just after the last answer cue, or nullopt. A cue is the word "answer" (or the task's own
// answer prefix word, e.g. "Label") followed by ":", "-", "=", "is", "would be" or "should be";
// "To answer this question" is not a cue.
std::optional<std::size_t> after_last_answer_cue(std::string_view text, std::string_view prefix);

// The rest of the line after the cue; if that is blank, the next non-blank line.
std::string cue_line(std::string_view text, std::size_t offset);

// The first JSON array or object in `text`: a ```json fenced block first, then the first balanced
// [...] or {...} that parses and that `accept` (when set) accepts - a "[1]" citation is not an
// answer. JSON nested more than 32 deep is never an answer and is skipped; that bound keeps the
// search linear in the length of `text` (a reply of a million "[" is one pass, not one scan per
// bracket).
using JsonFilter = std::function<bool(const nlohmann::json&)>;
std::optional<nlohmann::json> extract_json(std::string_view text, const JsonFilter& accept = {});

// Trims ASCII whitespace.
std::string_view trim(std::string_view text);

}  // namespace biomedq::tasks
