// Spreads requests over several endpoints with a per-endpoint concurrency limit, retries with
// exponential backoff and jitter (or as long as a server's Retry-After asks), and fails over from
// endpoints that stop answering. Worker threads do the HTTP; results come back to the calling
// thread through a queue, so on_done runs there.
//
// A failure that says nothing about the model's answer (the server could not be reached, kept
// failing, or sent no readable reply) is delivered as a result with `transient` set, never as an
// answer: the runner does not record it and a rerun asks again. An outage of every endpoint does
// not use up requests' attempts at all; it stops the whole run after `outage_timeout_s` instead.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "backends/http_client.h"
#include "biomedq/backend.h"
#include "biomedq/result.h"

namespace biomedq::backends {

// What one attempt of one request on one endpoint came to.
enum class AttemptOutcome {
    // The result is final (an answer, or a 400 about this request: retrying cannot help).
    kDone,
    // 429, 5xx, timeout, unparseable reply: retry after backoff (counts an attempt).
    kRetryServer,
    // Connection refused/reset/closed: the endpoint rests; the request goes elsewhere without using
    // an attempt (an outage is bounded by outage_timeout_s instead).
    kEndpointDown,
    // The server refuses all such requests (401, 403, 404): stop the run.
    kFatal,
};

struct Attempt {
    AttemptOutcome outcome = AttemptOutcome::kDone;
    GenerationResult result;  // when kDone
    std::string error;        // otherwise: why, for the final error if attempts run out
    // kRetryServer: the server's Retry-After in seconds (-1: none given).
    double retry_after_s = -1;
};

struct SchedulerOptions {
    int n_endpoints = 1;
    int concurrency_per_endpoint = 8;
    int max_attempts = 5;
    double backoff_initial_s = 0.25;
    double backoff_max_s = 8;
    // Every endpoint unreachable for this long (no connection, no reply) stops the run:
    // run_scheduled returns kBackend with the unanswered requests undelivered.
    double outage_timeout_s = 120;
    double retry_after_max_s = 60;  // a longer Retry-After is cut to this
};

// Performs one attempt of request `index` on endpoint `endpoint` (called on worker threads, one
// HttpClient per worker; `abort` becomes true on cancel).
using AttemptFn = std::function<Attempt(int endpoint, std::size_t index, HttpClient& client,
                                        const std::atomic<bool>& abort)>;
using ClientFactory = std::function<std::unique_ptr<HttpClient>()>;

// Runs `n_requests` to completion: on_done(index, result) at most once per index, on this thread;
// exactly once when it returns success. Returns (finished results delivered first, the rest never):
// kCancelled when `cancel` becomes true; kBackend when every endpoint stayed unreachable for
// outage_timeout_s, or an attempt was kFatal.
Status run_scheduled(std::size_t n_requests, const SchedulerOptions& options,
                     const AttemptFn& attempt, const ClientFactory& make_client,
                     const std::function<void(std::size_t, GenerationResult&&)>& on_done,
                     const std::atomic<bool>* cancel);

}  // namespace biomedq::backends
