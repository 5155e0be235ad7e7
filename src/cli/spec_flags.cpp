#include "cli/spec_flags.h"

#include <type_traits>

#include "runner/eval_spec_options.h"

namespace biomedq::cli {

void add_spec_flags(CLI::App& sub, EvalSpec& spec) {
    for (const auto& option : runner::spec_options()) {
        std::visit(
            [&](auto member) {
                auto& value = spec.*member;
                using T = std::remove_reference_t<decltype(value)>;
                if constexpr (std::is_same_v<T, bool>) {
                    // "--no-chat{false}": given, it sets the value to false (CLI11 flag default
                    // syntax).
                    sub.add_flag(option.negated_flag ? option.flag + "{false}" : option.flag, value,
                                 option.help);
                } else {
                    sub.add_option(option.flag, value, option.help)->capture_default_str();
                }
            },
            option.member);
    }
}

}  // namespace biomedq::cli
