// A small blocking HTTP client over one libcurl easy handle (keep-alive reused between calls). One
// client per thread; curl is initialised once per process.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

namespace biomedq::backends {

struct HttpResponse {
    long status = 0;  // 0 when no HTTP response arrived
    std::string body;
    std::string
        transport_error;      // curl's message when the transfer failed (refused, timeout, reset)
    bool aborted = false;     // stopped because `abort` became true
    std::string retry_after;  // the Retry-After header's value, when the reply had one
    bool body_too_large =
        false;  // the body passed max_body_bytes: the transfer stopped, `body` is cut
};

class HttpClient {
public:
    // `bearer_token` (may be empty) is sent as "Authorization: Bearer ..."; it is never logged.
    // `pins` ("host:port:addr[,addr]", curl's resolve list; see pin_entry) are where each named
    // host connects, on every request and retry: curl never looks those names up itself.
    HttpClient(std::string bearer_token, double connect_timeout_s,
               std::vector<std::string> pins = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // `max_body_bytes` (0: no limit) bounds what a reply may make us hold in memory.
    HttpResponse get(const std::string& url, double timeout_s,
                     const std::atomic<bool>* abort = nullptr,
                     std::size_t max_body_bytes = kDefaultMaxBodyBytes);
    HttpResponse post_json(const std::string& url, const std::string& body, double timeout_s,
                           const std::atomic<bool>* abort = nullptr,
                           std::size_t max_body_bytes = kDefaultMaxBodyBytes);

    static constexpr std::size_t kDefaultMaxBodyBytes = 16u << 20;

private:
    HttpResponse perform(const std::string& url, const std::string* body, double timeout_s,
                         const std::atomic<bool>* abort, std::size_t max_body_bytes);
    void* curl_ = nullptr;  // CURL*, kept opaque so curl.h stays in the .cpp
    std::string bearer_token_;
    double connect_timeout_s_;
    std::vector<std::string> pins_;
};

// curl's resolve-list entry that sends connections for host:port to `addresses` (numeric; IPv6
// without brackets): "db.lab:8080:10.0.0.7,[fd00::7]". Empty when `host` is itself an IP literal.
std::string pin_entry(const std::string& host, int port, const std::vector<std::string>& addresses);

// The URL's port, or the scheme's default (80, 443); 0 when the URL does not parse.
int url_port(const std::string& url);

// The URL's host (no brackets), or empty when the URL does not parse; `error` says why.
std::string url_host(const std::string& url, std::string* scheme, std::string* error);

}  // namespace biomedq::backends
