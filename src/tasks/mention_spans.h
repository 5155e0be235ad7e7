// Maps the mention strings a model wrote back to character spans of Example::text. Gold NER is
// token based (text = tokens joined by single spaces), and models rarely reproduce that spacing
// ("5-fluorouracil" for the tokens "5 - fluorouracil"), so matching ignores whitespace and then
// requires both ends to fall on token boundaries. Case decides first: a mention is matched where it
// occurs in the case the model wrote it, and ignoring case only when it occurs nowhere in that case
// ("E" finds vitamin "E", not the "e" of "s . e . mean"; "cisplatin" alone in "Cisplatin was ..."
// still finds it).
#pragma once

#include <string>
#include <vector>

#include "biomedq/example.h"

namespace biomedq::tasks {

// Every occurrence of every mention (case-sensitive occurrences when there are any, else
// case-insensitive ones), deduplicated, sorted. With example.tokens set, boundaries are
// the spaces between tokens; otherwise a boundary is any letter/digit <-> other transition.
// drop_nested removes a span lying inside another found span.
std::vector<Span> mention_spans(const Example& example, const std::vector<std::string>& mentions,
                                const std::string& type, bool drop_nested);

}  // namespace biomedq::tasks
