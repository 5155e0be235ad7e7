// Spreads requests over several endpoints with a per-endpoint concurrency limit, retries with
// exponential backoff and jitter, and fails over from endpoints that stop answering. Worker threads do
// the HTTP; results come back to the calling thread through a queue, so on_done runs there.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "biomedq/backend.h"
#include "biomedq/result.h"
#include "backends/http_client.h"

namespace biomedq::backends {

// What one attempt of one request on one endpoint came to.
enum class AttemptOutcome {
    kDone,             // result is final (success, or a client error not worth retrying)
    kRetryServer,      // 429, 5xx, timeout, unparseable reply: retry after backoff (counts an attempt)
    kEndpointDown,     // connection refused/reset: the endpoint rests; the request goes elsewhere
};

struct Attempt {
    AttemptOutcome outcome = AttemptOutcome::kDone;
    GenerationResult result;  // when kDone
    std::string error;        // when retrying: why, for the final error if attempts run out
};

struct SchedulerOptions {
    int n_endpoints = 1;
    int concurrency_per_endpoint = 8;
    int max_attempts = 5;
    double backoff_initial_s = 0.25;
    double backoff_max_s = 8;
};

// Performs one attempt of request `index` on endpoint `endpoint` (called on worker threads, one
// HttpClient per worker; `abort` becomes true on cancel).
using AttemptFn = std::function<Attempt(int endpoint, std::size_t index, HttpClient& client,
                                        const std::atomic<bool>& abort)>;
using ClientFactory = std::function<std::unique_ptr<HttpClient>()>;

// Runs `n_requests` to completion: on_done(index, result) exactly once per index, on this thread.
// Returns kCancelled when `cancel` becomes true (finished results are delivered first).
Status run_scheduled(std::size_t n_requests, const SchedulerOptions& options, const AttemptFn& attempt,
                     const ClientFactory& make_client,
                     const std::function<void(std::size_t, GenerationResult&&)>& on_done,
                     const std::atomic<bool>* cancel);

}  // namespace biomedq::backends
