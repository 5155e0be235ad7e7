// Secrets never leave the process: the API key, and passwords and tokens written into endpoint
// URLs. Every text that may carry one on its way to a file or the terminal (server replies and
// error bodies, error messages, endpoint URLs in configurations) passes through redact(), and is
// cut to length only after (redact_cut): a cut first can leave a prefix of a secret that no longer
// matches. Thread-safe: the registry of secrets is process-wide, as the process's exits are.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace biomedq {

// What stands where a secret was.
inline constexpr std::string_view kRedacted = "[redacted]";

// Remembers `secret` for every later redact() in this process. Secrets shorter than 8 characters
// are ignored: they cannot be told apart from ordinary words in a model's answer (their URL forms
// are still redacted by shape).
void register_secret(std::string_view secret);

// Remembers the secrets an endpoint URL carries: the userinfo password (as written and
// percent-decoded; the user name when there is no password), the HTTP Basic credential curl sends
// for it (base64 of "user:password"), and the values of token-like query parameters.
void register_url_secrets(std::string_view url);

// `text` with "[redacted]" in place of: every registered secret; a tail that is the first 8 or more
// characters of one (the text was cut mid-secret before it got here); the userinfo of every URL
// ("http://user:pw@host" -> "http://[redacted]@host"); and the value of every query parameter whose
// name says key, token, secret, password, auth or sig ("?api_key=..." -> "?api_key=[redacted]").
// Linear in the length of `text` for each registered secret.
std::string redact(std::string_view text);

// redact(text) cut to at most `max_bytes` (backing off to a UTF-8 character boundary).
std::string redact_cut(std::string_view text, std::size_t max_bytes);

}  // namespace biomedq
