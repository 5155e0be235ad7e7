#include "runner/prompt_method.h"

#include "core/whole_number.h"

namespace biomedq::runner {
namespace {

Result<int> parse_shots(const std::string& text, const std::string& whole) {
    const auto k = whole_number<int>(text);
    if (!k || *k < 1 || *k > 64) {
        return make_error(ErrorCode::kInvalidArgument,
                          "--prompt " + whole + ": K must be a number of shots from 1 to 64");
    }
    return *k;
}

}  // namespace

Result<PromptOptions> prompt_options_of(const RunConfig& config) {
    PromptOptions o;
    const std::string& p = config.prompt;
    if (p == "zero-shot") {
        o.method = PromptMethod::kZeroShot;
    } else if (p.rfind("few-shot:", 0) == 0) {
        o.method = PromptMethod::kFewShot;
        BIOMEDQ_ASSIGN(o.k, parse_shots(p.substr(9), p));
    } else if (p == "cot") {
        o.method = PromptMethod::kCot;
    } else if (p.rfind("cot:", 0) == 0) {
        o.method = PromptMethod::kCot;
        BIOMEDQ_ASSIGN(o.k, parse_shots(p.substr(4), p));
    } else {
        return make_error(ErrorCode::kInvalidArgument,
                          "--prompt " + p + ": expected zero-shot, few-shot:K, cot or cot:K");
    }
    if (config.shot_selection == "random") {
        o.selection = ShotSelection::kRandom;
    } else if (config.shot_selection == "nearest") {
        o.selection = ShotSelection::kNearest;
    } else {
        return make_error(ErrorCode::kInvalidArgument,
                          "--shots " + config.shot_selection + ": expected random or nearest");
    }
    o.seed = config.seed;
    o.constrained = config.constrained;
    o.chat = config.chat;
    return o;
}

}  // namespace biomedq::runner
