// A small blocking HTTP client over one libcurl easy handle (keep-alive reused between calls). One
// client per thread; curl is initialised once per process.
#pragma once

#include <atomic>
#include <string>

namespace biomedq::backends {

struct HttpResponse {
    long status = 0;            // 0 when no HTTP response arrived
    std::string body;
    std::string transport_error;  // curl's message when the transfer failed (refused, timeout, reset)
    bool aborted = false;       // stopped because `abort` became true
    std::string retry_after;    // the Retry-After header's value, when the reply had one
};

class HttpClient {
public:
    // `bearer_token` (may be empty) is sent as "Authorization: Bearer ..."; it is never logged.
    HttpClient(std::string bearer_token, double connect_timeout_s);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpResponse get(const std::string& url, double timeout_s, const std::atomic<bool>* abort = nullptr);
    HttpResponse post_json(const std::string& url, const std::string& body, double timeout_s,
                           const std::atomic<bool>* abort = nullptr);

private:
    HttpResponse perform(const std::string& url, const std::string* body, double timeout_s,
                         const std::atomic<bool>* abort);
    void* curl_ = nullptr;  // CURL*, kept opaque so curl.h stays in the .cpp
    std::string bearer_token_;
    double connect_timeout_s_;
};

// The URL's host (no brackets), or empty when the URL does not parse; `error` says why.
std::string url_host(const std::string& url, std::string* scheme, std::string* error);

}  // namespace biomedq::backends
