// A scripted HTTP/1.1 server on 127.0.0.1 for fault injection: each request goes to a handler that
// returns status and body; every connection is closed after one reply.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace biomedq::test {

struct FakeRequest {
    std::string method;
    std::string path;
    std::string headers;  // raw header block
    std::string body;
    std::chrono::steady_clock::time_point at{};  // when it arrived
};

// The path without its query.
inline std::string path_of(const FakeRequest& req) {
    return req.path.substr(0, req.path.find('?'));
}

// The "Authorization: ..." header line as received; empty when there is none.
inline std::string authorization(const FakeRequest& req) {
    const auto at = req.headers.find("Authorization: ");
    return at == std::string::npos ? "" : req.headers.substr(at, req.headers.find("\r\n", at) - at);
}

struct FakeReply {
    FakeReply() = default;
    FakeReply(int status_in, std::string body_in, std::string headers_in = {})
        : status(status_in), body(std::move(body_in)), headers(std::move(headers_in)) {}
    int status = 200;
    std::string body;
    std::string headers;  // extra header lines, each ending in "\r\n" (e.g. Retry-After)
    bool close_without_reply =
        false;  // hang up instead of answering (a server that dies mid-request)
};

class FakeHttpServer {
public:
    using Handler = std::function<FakeReply(const FakeRequest&)>;

    // `port` 0: any free port; otherwise that one (a server coming back where it was).
    explicit FakeHttpServer(Handler handler, int port = 0) : handler_(std::move(handler)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
        ::listen(listen_fd_, 64);
        socklen_t len = sizeof(addr);
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeHttpServer() {
        stop_ = true;
        thread_.join();
        if (listen_fd_ >= 0) ::close(listen_fd_);
    }

    // From now on the port refuses connections, as if the server died (callable from the handler:
    // the listening socket is closed once the current request is done).
    void refuse_connections() { refuse_ = true; }

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
    std::vector<FakeRequest> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    int count(const std::string& path) {
        std::lock_guard lock(mutex_);
        int n = 0;
        for (const auto& r : requests_) n += r.path == path ? 1 : 0;
        return n;
    }

private:
    void serve() {
        while (!stop_) {
            if (refuse_) {
                ::close(listen_fd_);
                listen_fd_ = -1;
                return;
            }
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) continue;
            handle(fd);
            ::close(fd);
        }
    }

    void handle(int fd) {
        std::string data;
        char buf[4096];
        std::size_t header_end = std::string::npos;
        std::size_t content_length = 0;
        while (true) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 2000) <= 0) return;
            const auto n = ::recv(fd, buf, sizeof(buf), 0);
            if (n <= 0) return;
            data.append(buf, static_cast<std::size_t>(n));
            if (header_end == std::string::npos) {
                header_end = data.find("\r\n\r\n");
                if (header_end != std::string::npos) {
                    const auto cl = data.find("Content-Length: ");
                    if (cl != std::string::npos && cl < header_end)
                        content_length = std::stoul(data.substr(cl + 16));
                }
            }
            if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length)
                break;
        }
        FakeRequest req;
        const auto sp1 = data.find(' ');
        const auto sp2 = data.find(' ', sp1 + 1);
        req.method = data.substr(0, sp1);
        req.path = data.substr(sp1 + 1, sp2 - sp1 - 1);
        req.headers = data.substr(0, header_end);
        req.body = data.substr(header_end + 4);
        req.at = std::chrono::steady_clock::now();
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(req);
        }
        const FakeReply reply = handler_(req);
        if (reply.close_without_reply) return;
        const std::string out = "HTTP/1.1 " + std::to_string(reply.status) +
                                " X\r\nContent-Type: application/json\r\n" + reply.headers +
                                "Content-Length: " + std::to_string(reply.body.size()) +
                                "\r\nConnection: close\r\n\r\n" + reply.body;
        (void)::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
    }

    Handler handler_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<bool> refuse_{false};
    std::thread thread_;
    std::mutex mutex_;
    std::vector<FakeRequest> requests_;
};

}  // namespace biomedq::test
