// The options of an evaluation's spec (biomedq/record.h EvalSpec), one row each: the key sweep.yaml
// and config.json use, eval's CLI flag, the help text and the check of a value. `biomedq eval`
// declares its flags from this table and a sweep reads its keys from it, so an option added to
// EvalSpec (field, codec line, row here) reaches eval, sweeps, config.json and results.json at
// once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "biomedq/record.h"

namespace biomedq::runner {

struct SpecOption {
    std::string key;   // sweep.yaml / config.json key
    std::string flag;  // eval's flag, e.g. "--mc-mode"
    std::string help;
    std::variant<std::string EvalSpec::*, int EvalSpec::*, std::uint64_t EvalSpec::*,
                 bool EvalSpec::*>
        member;
    std::string expected;  // what a valid value is, for messages ("generate or loglik")
    // Empty when the spec's value is valid, else what is wrong with it (after `expected`).
    std::function<std::string(const EvalSpec&)> check;
    bool negated_flag = false;  // a bool whose flag turns it off (chat: --no-chat)
    bool per_cell = false;      // a sweep lists several values under its own key (prompt: prompts)
};

// In the order eval's --help lists them. `tasks` is not a row: eval takes a comma list or "all".
const std::vector<SpecOption>& spec_options();

}  // namespace biomedq::runner
