// Where clinical text may be sent: loopback and private networks only, unless the user opts in.
// Host names are resolved so "db.example.org" cannot hide a public address, once: callers connect
// to the addresses that were checked (a second lookup could answer differently).
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "biomedq/openai_backend.h"

namespace biomedq {
namespace {

bool is_private_v4(std::uint32_t a) {  // host byte order
    const auto b0 = a >> 24, b1 = (a >> 16) & 0xff;
    return b0 == 127 || b0 == 10 || (b0 == 172 && b1 >= 16 && b1 <= 31) || (b0 == 192 && b1 == 168);
}

bool is_private_v6(const in6_addr& a) {
    static const unsigned char loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (std::memcmp(a.s6_addr, loopback, 16) == 0) return true;
    if ((a.s6_addr[0] & 0xfe) == 0xfc) return true;  // fc00::/7 unique local
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
        std::uint32_t v4 = 0;
        std::memcpy(&v4, a.s6_addr + 12, 4);
        return is_private_v4(ntohl(v4));
    }
    return false;
}

std::string address_text(const sockaddr* sa) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof(buf));
    } else {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf,
                  sizeof(buf));
    }
    return buf;
}

Result<std::vector<std::string>> system_resolve(const std::string& host) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (rc != 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          "cannot resolve host \"" + host + "\": " + gai_strerror(rc));
    }
    std::vector<std::string> addresses;
    for (const addrinfo* ai = found; ai; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
        std::string a = address_text(ai->ai_addr);
        if (std::find(addresses.begin(), addresses.end(), a) == addresses.end())
            addresses.push_back(std::move(a));
    }
    freeaddrinfo(found);
    return addresses;
}

// Whether a numeric address is loopback or private; nullopt when `address` is not an IP literal.
std::optional<bool> private_address(const std::string& address) {
    in_addr v4{};
    if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return is_private_v4(ntohl(v4.s_addr));
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) return is_private_v6(v6);
    return std::nullopt;
}

}  // namespace

Result<std::vector<std::string>> resolve_checked_host(const std::string& host_in, bool allow_remote,
                                                      const std::string& what,
                                                      const HostResolver& resolve) {
    std::string host = host_in;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty()) return make_error(ErrorCode::kInvalidArgument, what + ": no host name");
    std::vector<std::string> addresses;
    if (private_address(host)) {
        addresses = {host};
    } else if (host == "localhost") {
        addresses = {"127.0.0.1", "::1"};
    } else {
        auto found = resolve ? resolve(host) : system_resolve(host);
        if (!found.ok())
            return make_error(ErrorCode::kInvalidArgument, what + ": " + found.error().message);
        addresses = std::move(found).value();
        if (addresses.empty()) {
            return make_error(ErrorCode::kInvalidArgument,
                              what + ": host \"" + host + "\" has no address");
        }
    }
    for (const auto& a : addresses) {
        const auto ok = private_address(a);
        if (!ok) {
            return make_error(
                ErrorCode::kInvalidArgument,
                what + ": host \"" + host + "\" resolved to \"" + a + "\", not an IP address");
        }
        if (!*ok && !allow_remote) {
            return make_error(
                ErrorCode::kUnsupported,
                what + ": host \"" + host + "\" resolves to " + a +
                    ", outside loopback and private networks; clinical text must not leave the "
                    "site by accident: pass --allow-remote if this server is yours");
        }
    }
    return addresses;
}

Status check_private_host(const std::string& host, bool allow_remote, const std::string& what) {
    std::string bare = host;
    if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']')
        bare = bare.substr(1, bare.size() - 2);
    // Nothing to resolve or pin when anything goes: kept from before pinning, so --allow-remote
    // never needs a resolvable name here.
    if (allow_remote && !bare.empty()) return Status::success();
    auto checked = resolve_checked_host(host, allow_remote, what);
    if (!checked.ok()) return checked.error();
    return Status::success();
}

Result<std::string> pinned_rpc_endpoint(const std::string& server, bool allow_remote,
                                        const HostResolver& resolve) {
    BIOMEDQ_ASSIGN(HostPort hp, parse_host_port(server));
    BIOMEDQ_ASSIGN(auto addresses,
                   resolve_checked_host(hp.host, allow_remote, "--rpc " + server, resolve));
    std::string chosen = addresses.front();
    for (const auto& a : addresses) {
        if (a.find(':') == std::string::npos) {
            chosen = a;
            break;
        }
    }
    if (chosen.find(':') != std::string::npos) chosen = "[" + chosen + "]";
    return chosen + ":" + std::to_string(hp.port);
}

Result<HostPort> parse_host_port(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "\"" + address + "\": expected host:port (e.g. 192.168.1.20:50052)");
    }
    HostPort hp;
    hp.host = address.substr(0, colon);
    if (hp.host.find(':') != std::string::npos && hp.host.front() != '[') {
        return make_error(
            ErrorCode::kInvalidArgument,
            "\"" + address + "\": write IPv6 addresses in brackets, e.g. [::1]:50052");
    }
    const std::string port = address.substr(colon + 1);
    if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
        return make_error(ErrorCode::kInvalidArgument,
                          "\"" + address + "\": port \"" + port + "\" is not a number in 1..65535");
    }
    hp.port = std::stoi(port);
    return hp;
}

}  // namespace biomedq
