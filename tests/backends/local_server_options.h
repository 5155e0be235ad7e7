// Backend options and replies shared by the tests that run the OpenAI backend against servers on
// 127.0.0.1 (fake ones or a real llama-server).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "backends/fake_http_server.h"
#include "biomedq/openai_backend.h"

namespace biomedq::test {

// The model name "tiny" on these endpoints; every other option at its default.
inline OpenAiBackendOptions local_options(std::vector<std::string> endpoints,
                                          int concurrency_per_endpoint, double request_timeout_s) {
    OpenAiBackendOptions o;
    o.endpoints = std::move(endpoints);
    o.model_name = "tiny";
    o.concurrency_per_endpoint = concurrency_per_endpoint;
    o.request_timeout_s = request_timeout_s;
    return o;
}

// As local_options with 3 attempts whose backoff waits milliseconds, so retries keep tests fast.
inline OpenAiBackendOptions quick_retry_options(std::vector<std::string> endpoints,
                                                int concurrency_per_endpoint,
                                                double backoff_max_s) {
    auto o = local_options(std::move(endpoints), concurrency_per_endpoint, 10);
    o.max_attempts = 3;
    o.backoff_initial_s = 0.01;
    o.backoff_max_s = backoff_max_s;
    return o;
}

// What a fake llama-server answers on /props.
inline FakeReply llama_props() {
    return {200, R"({"build_info":"b0-fake","default_generation_settings":{}})"};
}

}  // namespace biomedq::test
