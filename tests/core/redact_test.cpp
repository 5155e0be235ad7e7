// Secrets in any text that leaves the process: the whole secret, a secret cut mid-way, URL userinfo
// and token query parameters, and the HTTP Basic credential derived from a URL password.
#include "core/redact.h"

#include <gtest/gtest.h>

#include <string>

namespace biomedq {
namespace {

const std::string kKey = "sk-redact-test-0123456789abcdefXYZ";

// Every 8-character-or-longer prefix of `secret` that occurs in `text`.
std::string leaked_prefix(const std::string& text, const std::string& secret) {
    for (std::size_t n = secret.size(); n >= 8; --n) {
        if (text.find(secret.substr(0, n)) != std::string::npos) return secret.substr(0, n);
    }
    return {};
}

TEST(Redact, RegisteredSecretIsReplacedWherever) {
    register_secret(kKey);
    EXPECT_EQ(redact("echo: Authorization: Bearer " + kKey + " and again " + kKey + "."),
              "echo: Authorization: Bearer [redacted] and again [redacted].");
    EXPECT_EQ(redact("nothing secret here"), "nothing secret here");
}

TEST(Redact, CutComesAfterRedactionSoNoPrefixSurvives) {
    register_secret(kKey);
    // The key starts 13 bytes before the 200-byte cut: cutting first left "sk-redact-tes".
    const std::string body = std::string(187, 'x') + kKey + " trailing";
    const std::string cut_first = body.substr(0, 200);
    EXPECT_EQ(leaked_prefix(redact(cut_first), kKey), "");  // the tail rule catches even that
    const std::string out = redact_cut(body, 200);
    EXPECT_EQ(out, std::string(187, 'x') + "[redacted] tr");
    EXPECT_EQ(leaked_prefix(out, kKey), "");
    // Cut inside the replacement: still nothing of the key.
    EXPECT_EQ(redact_cut(body, 190), std::string(187, 'x') + "[re");
}

TEST(Redact, TextEndingInTheStartOfASecretLosesThatTail) {
    register_secret(kKey);
    EXPECT_EQ(redact("body cut at " + kKey.substr(0, 11)), "body cut at [redacted]");
    EXPECT_EQ(redact("ends in sk-redac"),
              "ends in [redacted]");  // 8 characters: the shortest tail taken
    EXPECT_EQ(redact("ends in sk-reda"), "ends in sk-reda");
}

TEST(Redact, UrlUserinfoAndTokenParametersWithoutRegistration) {
    EXPECT_EQ(redact("--endpoint http://alice:pw-1234@10.0.0.5:8080/v1: not reachable"),
              "--endpoint http://[redacted]@10.0.0.5:8080/v1: not reachable");
    EXPECT_EQ(redact("https://tok_abcdef@gw.lab/v1"), "https://[redacted]@gw.lab/v1");
    EXPECT_EQ(redact("http://h:1/v1?api_key=abc123&model=x&token=t0k3n#frag"),
              "http://h:1/v1?api_key=[redacted]&model=x&token=[redacted]#frag");
    EXPECT_EQ(redact("GET /v1/models?access_token=zzz9 HTTP/1.1"),
              "GET /v1/models?access_token=[redacted] HTTP/1.1");
    // Not secrets: an e-mail address, an "@" in a path, a plain query.
    EXPECT_EQ(redact("mail a@b.org; see http://h/v1/x@y?model=tiny&n=2"),
              "mail a@b.org; see http://h/v1/x@y?model=tiny&n=2");
    // Idempotent on its own output.
    EXPECT_EQ(redact("http://[redacted]@h/v1?token=[redacted]"),
              "http://[redacted]@h/v1?token=[redacted]");
}

TEST(Redact, UrlSecretsAreRegisteredInEveryFormCurlSends) {
    register_url_secrets("http://bob:p%40ss-w0rd-42@127.0.0.1:9/v1?token=query-tok-777");
    // The password as written and decoded, wherever it appears afterwards.
    EXPECT_EQ(redact("server said p@ss-w0rd-42 and p%40ss-w0rd-42"),
              "server said [redacted] and [redacted]");
    // curl sends "Authorization: Basic base64(bob:p@ss-w0rd-42)"; an echo of it is redacted.
    EXPECT_EQ(redact("Authorization: Basic Ym9iOnBAc3MtdzByZC00Mg=="),
              "Authorization: Basic [redacted]");
    EXPECT_EQ(redact("token query-tok-777 echoed"), "token [redacted] echoed");
}

TEST(Redact, ShortSecretsAreNotLookedForInAnswers) {
    // A 6-character password would turn every "secret" a model writes into "[redacted]".
    register_url_secrets("http://u:secret@127.0.0.1:9/v1");
    EXPECT_EQ(redact("a secret of the trade"), "a secret of the trade");
    EXPECT_EQ(redact("http://u:secret@127.0.0.1:9/v1"), "http://[redacted]@127.0.0.1:9/v1");
}

TEST(Redact, CutKeepsWholeUtf8Characters) {
    EXPECT_EQ(redact_cut("ab\xc3\xa9", 3), "ab");  // "abé" cut inside the é
    EXPECT_EQ(redact_cut("abc", 10), "abc");
}

}  // namespace
}  // namespace biomedq
