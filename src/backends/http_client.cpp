#include "backends/http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <string_view>

namespace biomedq::backends {
namespace {

std::once_flag g_curl_once;

struct BodySink {
    std::string* body;
    std::size_t max_bytes;  // 0: no limit
    bool too_large = false;
};

size_t append_body(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<BodySink*>(user);
    if (sink->max_bytes > 0 && sink->body->size() + size * n > sink->max_bytes) {
        sink->body->append(data, sink->max_bytes - sink->body->size());
        sink->too_large = true;
        return 0;  // stops the transfer (CURLE_WRITE_ERROR)
    }
    sink->body->append(data, size * n);
    return size * n;
}

// Keeps only Retry-After: the one header whose value changes what the scheduler does (a 429 or 503
// saying when to come back).
size_t keep_retry_after(char* data, size_t size, size_t n, void* user) {
    const std::string_view line(data, size * n);
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size()) {
        bool match = true;
        for (std::size_t i = 0; i < kName.size() && match; ++i) {
            match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
        }
        if (match) {
            std::string value(line.substr(kName.size()));
            while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
                value.pop_back();
            std::size_t start = 0;
            while (start < value.size() && std::isspace(static_cast<unsigned char>(value[start])))
                ++start;
            *static_cast<std::string*>(user) = value.substr(start);
        }
    }
    return size * n;
}

int check_abort(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* abort = static_cast<const std::atomic<bool>*>(user);
    return abort && abort->load() ? 1 : 0;
}

}  // namespace

HttpClient::HttpClient(std::string bearer_token, double connect_timeout_s,
                       std::vector<std::string> pins)
    : bearer_token_(std::move(bearer_token)),
      connect_timeout_s_(connect_timeout_s),
      pins_(std::move(pins)) {
    std::call_once(g_curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
    if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

HttpResponse HttpClient::get(const std::string& url, double timeout_s,
                             const std::atomic<bool>* abort, std::size_t max_body_bytes) {
    return perform(url, nullptr, timeout_s, abort, max_body_bytes);
}

HttpResponse HttpClient::post_json(const std::string& url, const std::string& body,
                                   double timeout_s, const std::atomic<bool>* abort,
                                   std::size_t max_body_bytes) {
    return perform(url, &body, timeout_s, abort, max_body_bytes);
}

HttpResponse HttpClient::perform(const std::string& url, const std::string* body, double timeout_s,
                                 const std::atomic<bool>* abort, std::size_t max_body_bytes) {
    HttpResponse out;
    auto* curl = static_cast<CURL*>(curl_);
    if (!curl) {
        out.transport_error = "curl_easy_init failed";
        return out;
    }
    curl_easy_reset(curl);
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    std::string auth;
    if (!bearer_token_.empty()) {
        auth = "Authorization: Bearer " + bearer_token_;
        headers = curl_slist_append(headers, auth.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_s * 1000.0));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(connect_timeout_s_ * 1000.0));
    BodySink sink{&out.body, max_body_bytes};
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    // The addresses the privacy check approved, on every request: a name that resolved privately at
    // the check cannot resolve publicly at connect time (DNS rebinding). Reset above clears the
    // option, not the handle's DNS cache, so it is set again each time.
    curl_slist* resolve = nullptr;
    for (const auto& pin : pins_) resolve = curl_slist_append(resolve, pin.c_str());
    if (resolve) curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, keep_retry_after);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out.retry_after);
    curl_easy_setopt(curl, CURLOPT_NOPROXY,
                     "*");  // a proxy would defeat the loopback/private check
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, check_abort);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(abort));
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    }
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);
    if (sink.too_large) {
        out.body_too_large = true;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
        return out;
    }
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        out.aborted = true;
        out.transport_error = "cancelled";
        return out;
    }
    if (rc != CURLE_OK) {
        out.transport_error = curl_easy_strerror(rc);
        out.status = 0;
        return out;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
    return out;
}

std::string pin_entry(const std::string& host, int port,
                      const std::vector<std::string>& addresses) {
    in6_addr v6{};
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1)
        return {};
    std::string entry = host + ":" + std::to_string(port) + ":";
    for (std::size_t i = 0; i < addresses.size(); ++i) {
        if (i > 0) entry += ",";
        entry +=
            addresses[i].find(':') != std::string::npos ? "[" + addresses[i] + "]" : addresses[i];
    }
    return entry;
}

int url_port(const std::string& url) {
    CURLU* u = curl_url();
    int port = 0;
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
        char* part = nullptr;
        if (curl_url_get(u, CURLUPART_PORT, &part, CURLU_DEFAULT_PORT) == CURLUE_OK && part)
            port = std::atoi(part);
        curl_free(part);
    }
    curl_url_cleanup(u);
    return port;
}

std::string url_host(const std::string& url, std::string* scheme, std::string* error) {
    CURLU* u = curl_url();
    std::string host;
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        *error = "not a URL (expected e.g. http://127.0.0.1:8080/v1)";
    } else {
        char* part = nullptr;
        if (curl_url_get(u, CURLUPART_HOST, &part, 0) == CURLUE_OK && part) host = part;
        curl_free(part);
        part = nullptr;
        if (curl_url_get(u, CURLUPART_SCHEME, &part, 0) == CURLUE_OK && part) *scheme = part;
        curl_free(part);
        if (host.empty()) *error = "no host in URL";
    }
    curl_url_cleanup(u);
    if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    return host;
}

}  // namespace biomedq::backends
