// Where clinical text may be sent: loopback and private networks only, unless the user opts in.
// Host names are resolved so "db.example.org" cannot hide a public address.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

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
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof(buf));
    }
    return buf;
}

}  // namespace

Status check_private_host(const std::string& host_in, bool allow_remote, const std::string& what) {
    std::string host = host_in;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) return make_error(ErrorCode::kInvalidArgument, what + ": no host name");
    if (allow_remote) return Status::success();
    if (host == "localhost") return Status::success();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (rc != 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          what + ": cannot resolve host \"" + host + "\": " + gai_strerror(rc));
    }
    std::string public_address;
    for (const addrinfo* ai = found; ai; ai = ai->ai_next) {
        bool ok = false;
        if (ai->ai_family == AF_INET) {
            ok = is_private_v4(ntohl(reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr.s_addr));
        } else if (ai->ai_family == AF_INET6) {
            ok = is_private_v6(reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr);
        }
        if (!ok) {
            public_address = address_text(ai->ai_addr);
            break;
        }
    }
    freeaddrinfo(found);
    if (!public_address.empty()) {
        return make_error(ErrorCode::kUnsupported,
                          what + ": host \"" + host + "\" resolves to " + public_address +
                              ", outside loopback and private networks; clinical text must not leave the "
                              "site by accident: pass --allow-remote if this server is yours");
    }
    return Status::success();
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
        return make_error(ErrorCode::kInvalidArgument,
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
