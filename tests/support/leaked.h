// How much of a secret a text gives away, for tests that feed secrets to hostile servers.
#pragma once

#include <string>

namespace biomedq::test {

// The longest prefix of `secret` of 8 or more characters found in `text`; empty when none is.
inline std::string leaked(const std::string& text, const std::string& secret) {
    for (std::size_t n = secret.size(); n >= 8; --n) {
        if (text.find(secret.substr(0, n)) != std::string::npos) return secret.substr(0, n);
    }
    return {};
}

}  // namespace biomedq::test
