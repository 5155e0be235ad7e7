// The privacy policy for endpoints and RPC servers, with exact address classes.
#include <gtest/gtest.h>

#include "biomedq/openai_backend.h"

namespace biomedq {
namespace {

bool allowed(const std::string& host) { return check_private_host(host, false, "--endpoint x").ok(); }

TEST(NetworkPolicy, LoopbackAndPrivateRangesAreAllowed) {
    for (const char* h : {"127.0.0.1", "127.255.0.9", "localhost", "10.0.0.1", "10.255.255.255", "172.16.0.1",
                          "172.31.255.254", "192.168.0.1", "::1", "[::1]", "fc00::1", "fd12:3456::7",
                          "::ffff:192.168.1.1"}) {
        EXPECT_TRUE(allowed(h)) << h;
    }
}

TEST(NetworkPolicy, PublicAddressesAreRefusedUnlessAllowed) {
    for (const char* h : {"8.8.8.8", "172.15.255.255", "172.32.0.1", "192.169.0.1", "11.0.0.1", "2001:4860::8888",
                          "fe80::1", "::ffff:8.8.8.8"}) {
        EXPECT_FALSE(allowed(h)) << h;
        EXPECT_TRUE(check_private_host(h, true, "--endpoint x").ok()) << h;
    }
    auto s = check_private_host("8.8.8.8", false, "--endpoint http://8.8.8.8/v1");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kUnsupported);
    EXPECT_EQ(s.error().message,
              "--endpoint http://8.8.8.8/v1: host \"8.8.8.8\" resolves to 8.8.8.8, outside loopback and private "
              "networks; clinical text must not leave the site by accident: pass --allow-remote if this server "
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
    EXPECT_EQ(b.error().message, "--endpoint ftp://127.0.0.1/v1: scheme \"ftp\" is not http or https");
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
    EXPECT_EQ(parse_host_port("h:x1").error().message, "\"h:x1\": port \"x1\" is not a number in 1..65535");
}

}  // namespace
}  // namespace biomedq
