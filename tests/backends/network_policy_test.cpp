// The privacy policy for endpoints and RPC servers, with exact address classes.
#include <gtest/gtest.h>

#include "biomedq/openai_backend.h"
#include "support/expect_error.h"

namespace biomedq {
namespace {

bool allowed(const std::string& host) {
    return check_private_host(host, false, "--endpoint x").ok();
}

TEST(NetworkPolicy, LoopbackAndPrivateRangesAreAllowed) {
    for (const char* h : {"127.0.0.1", "127.255.0.9", "localhost", "10.0.0.1", "10.255.255.255",
                          "172.16.0.1", "172.31.255.254", "192.168.0.1", "::1", "[::1]", "fc00::1",
                          "fd12:3456::7", "::ffff:192.168.1.1"}) {
        EXPECT_TRUE(allowed(h)) << h;
    }
}

TEST(NetworkPolicy, PublicAddressesAreRefusedUnlessAllowed) {
    for (const char* h : {"8.8.8.8", "172.15.255.255", "172.32.0.1", "192.169.0.1", "11.0.0.1",
                          "2001:4860::8888", "fe80::1", "::ffff:8.8.8.8"}) {
        EXPECT_FALSE(allowed(h)) << h;
        EXPECT_TRUE(check_private_host(h, true, "--endpoint x").ok()) << h;
    }
    test::expect_error(
        check_private_host("8.8.8.8", false, "--endpoint http://8.8.8.8/v1"),
        ErrorCode::kUnsupported,
        "--endpoint http://8.8.8.8/v1: host \"8.8.8.8\" resolves to 8.8.8.8, outside "
        "loopback and private "
        "networks; clinical text must not leave the site by accident: pass --allow-remote if "
        "this server "
        "is yours");
}

TEST(NetworkPolicy, PublicEndpointIsRefusedBeforeAnyConnection) {
    OpenAiBackendOptions o;
    o.endpoints = {"http://1.1.1.1:8080/v1"};
    auto b = make_openai_backend(o);
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(b.error().message.find("--allow-remote"), std::string::npos);

    o.endpoints = {"ftp://127.0.0.1/v1"};
    b = make_openai_backend(o);
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.error().message,
              "--endpoint ftp://127.0.0.1/v1: scheme \"ftp\" is not http or https");
}

TEST(NetworkPolicy, ParsesRpcHostPort) {
    auto hp = parse_host_port("192.168.1.20:50052");
    ASSERT_TRUE(hp.ok());
    EXPECT_EQ(hp->host, "192.168.1.20");
    EXPECT_EQ(hp->port, 50052);
    hp = parse_host_port("[::1]:7");
    ASSERT_TRUE(hp.ok());
    EXPECT_EQ(hp->host, "[::1]");
    EXPECT_EQ(hp->port, 7);
    EXPECT_FALSE(parse_host_port("host").ok());
    EXPECT_FALSE(parse_host_port("host:0").ok());
    EXPECT_FALSE(parse_host_port("host:99999").ok());
    EXPECT_FALSE(parse_host_port("::1:80").ok());
    EXPECT_EQ(parse_host_port("h:x1").error().message,
              "\"h:x1\": port \"x1\" is not a number in 1..65535");
}

// A resolver that answers from a script and records every question.
struct ScriptedResolver {
    explicit ScriptedResolver(std::vector<std::vector<std::string>> a) : answers(std::move(a)) {}
    std::vector<std::vector<std::string>> answers;
    std::vector<std::string> asked;
    HostResolver fn() {
        return [this](const std::string& host) -> Result<std::vector<std::string>> {
            const std::size_t i = asked.size();
            asked.push_back(host);
            return answers.at(std::min(i, answers.size() - 1));
        };
    }
};

TEST(NetworkPolicy, AHostIsResolvedOnceAndTheCheckedAddressesAreReturned) {
    ScriptedResolver r{{{"10.0.0.7", "fd00::7"}, {"8.8.8.8"}}};
    auto addresses = resolve_checked_host("db.lab", false, "--endpoint x", r.fn());
    ASSERT_TRUE(addresses.ok()) << addresses.error().message;
    EXPECT_EQ(*addresses, (std::vector<std::string>{"10.0.0.7", "fd00::7"}));
    EXPECT_EQ(r.asked, std::vector<std::string>{"db.lab"});
    // IP literals and localhost are never looked up.
    EXPECT_EQ(*resolve_checked_host("[::1]", false, "x", r.fn()), std::vector<std::string>{"::1"});
    EXPECT_EQ(*resolve_checked_host("localhost", false, "x", r.fn()),
              (std::vector<std::string>{"127.0.0.1", "::1"}));
    EXPECT_EQ(r.asked.size(), 1u);
    // A resolver answering something that is not an address is not believed.
    ScriptedResolver odd{{{"evil.example"}}};
    auto refused = resolve_checked_host("db.lab", false, "--rpc db.lab:1", odd.fn());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message,
              "--rpc db.lab:1: host \"db.lab\" resolved to \"evil.example\", not an IP address");
}

TEST(NetworkPolicy, RpcServersAreHandedToLlamaCppAsTheirCheckedAddress) {
    ScriptedResolver r{{{"fd00::9", "192.168.7.9"}, {"203.0.113.9"}}};
    auto pinned = pinned_rpc_endpoint("gpu-box.lab:50052", false, r.fn());
    ASSERT_TRUE(pinned.ok()) << pinned.error().message;
    EXPECT_EQ(*pinned, "192.168.7.9:50052");  // IPv4 first: ggml-rpc connects over IPv4
    EXPECT_EQ(r.asked, std::vector<std::string>{"gpu-box.lab"});
    ScriptedResolver v6{{{"fd00::9"}}};
    EXPECT_EQ(*pinned_rpc_endpoint("v6.lab:7", false, v6.fn()), "[fd00::9]:7");
    ScriptedResolver public_answer{{{"203.0.113.9"}}};
    auto refused = pinned_rpc_endpoint("gpu-box.lab:50052", false, public_answer.fn());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(refused.error().message.find(
                  "--rpc gpu-box.lab:50052: host \"gpu-box.lab\" resolves to 203.0.113.9"),
              std::string::npos);
    // With --allow-remote it is still pinned (one lookup), not passed on as a name.
    ScriptedResolver allowed{{{"203.0.113.9"}}};
    EXPECT_EQ(*pinned_rpc_endpoint("gpu-box.lab:50052", true, allowed.fn()), "203.0.113.9:50052");
}

}  // namespace
}  // namespace biomedq
