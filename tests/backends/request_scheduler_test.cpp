// The request scheduler under many workers retrying at once: every request gets exactly one final
// result. Under the sanitizer build (CI stage 2) this is also the regression test for a
// heap-use-after-free: workers waited on a deadline inside a queue element that another worker
// erased.
#include "backends/request_scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace biomedq::backends {
namespace {

// Options whose retries wait milliseconds, not seconds.
SchedulerOptions quick_options(int n_endpoints, int concurrency_per_endpoint,
                               double backoff_initial_s, double backoff_max_s) {
    SchedulerOptions o;
    o.n_endpoints = n_endpoints;
    o.concurrency_per_endpoint = concurrency_per_endpoint;
    o.backoff_initial_s = backoff_initial_s;
    o.backoff_max_s = backoff_max_s;
    return o;
}

// The attempts here never touch their client.
std::unique_ptr<HttpClient> unused_client() { return std::make_unique<HttpClient>("", 1.0); }

Attempt failed(AttemptOutcome outcome, std::string error) {
    Attempt a;
    a.outcome = outcome;
    a.error = std::move(error);
    return a;
}

Attempt answered(std::size_t index) {
    Attempt a;
    a.result.text = "ok " + std::to_string(index);
    return a;
}

// Runs `n` requests to the end; each must be delivered exactly once and pass `check`.
void expect_each_delivered_once(
    std::size_t n, const SchedulerOptions& o, const AttemptFn& attempt,
    const std::function<void(std::size_t, const GenerationResult&)>& check) {
    std::vector<int> delivered(n, 0);
    auto status = run_scheduled(
        n, o, attempt, unused_client,
        [&](std::size_t index, GenerationResult&& r) {
            ++delivered[index];
            check(index, r);
        },
        nullptr);
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_EQ(delivered, std::vector<int>(n, 1));
}

TEST(RequestScheduler, ManyWorkersRetryingTogetherDeliverEveryResultExactlyOnce) {
    constexpr std::size_t kRequests = 64;
    SchedulerOptions o = quick_options(2, 8, 0.001, 0.004);
    o.max_attempts = 4;
    std::mutex m;
    std::vector<int> attempts(kRequests, 0);
    // Each request fails on its first three attempts (a busy server), then succeeds: the queue is
    // constantly re-sorted by workers waking on each other's deadlines.
    const AttemptFn attempt = [&](int, std::size_t index, HttpClient&, const std::atomic<bool>&) {
        int n = 0;
        {
            std::lock_guard lock(m);
            n = ++attempts[index];
        }
        return n < 4 ? failed(AttemptOutcome::kRetryServer, "HTTP 503") : answered(index);
    };
    for (int round = 0; round < 5; ++round) {
        std::fill(attempts.begin(), attempts.end(), 0);
        std::vector<int> delivered(kRequests, 0);
        auto status = run_scheduled(
            kRequests, o, attempt, unused_client,
            [&](std::size_t index, GenerationResult&& r) {
                ++delivered[index];
                EXPECT_EQ(r.text, "ok " + std::to_string(index));
            },
            nullptr);
        ASSERT_TRUE(status.ok()) << status.error().message;
        for (std::size_t i = 0; i < kRequests; ++i) {
            EXPECT_EQ(delivered[i], 1) << "request " << i;
            EXPECT_EQ(attempts[i], 4) << "request " << i;
        }
    }
}

TEST(RequestScheduler, AFewRequestsThatAlwaysFailEachGetOneErrorAfterTheirAttempts) {
    // Few requests, more workers than requests, every attempt a server error: the queue empties and
    // refills all the time, which is when a waiting worker's deadline used to be freed under it.
    SchedulerOptions o = quick_options(1, 2, 0.01, 0.05);
    o.max_attempts = 3;
    const AttemptFn attempt = [](int, std::size_t, HttpClient&, const std::atomic<bool>&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));  // an HTTP round trip
        return failed(AttemptOutcome::kRetryServer, "HTTP 503");
    };
    for (int round = 0; round < 30; ++round) {
        expect_each_delivered_once(2, o, attempt, [](std::size_t, const GenerationResult& r) {
            EXPECT_EQ(r.finish, FinishReason::kError);
            EXPECT_TRUE(r.transient) << "a server that kept failing gave no answer";
            EXPECT_NE(r.error.find("gave up after 3 attempts"), std::string::npos) << r.error;
        });
    }
}

// Unreachable endpoints never use up a request's attempts (here 2): the requests wait out the
// outage, then get their answers from the endpoint that comes back.
TEST(RequestScheduler, AnOutageShorterThanTheTimeoutUsesNoAttempts) {
    SchedulerOptions o = quick_options(2, 2, 0.005, 0.02);
    o.max_attempts = 2;
    o.outage_timeout_s = 30;
    const auto back_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    const AttemptFn attempt = [&](int endpoint, std::size_t index, HttpClient&,
                                  const std::atomic<bool>&) {
        if (endpoint == 0 || std::chrono::steady_clock::now() < back_at) {
            return failed(AttemptOutcome::kEndpointDown, "Couldn't connect to server");
        }
        return answered(index);
    };
    expect_each_delivered_once(6, o, attempt, [](std::size_t index, const GenerationResult& r) {
        EXPECT_EQ(r.text, "ok " + std::to_string(index)) << r.error;
    });
}

TEST(RequestScheduler, AnOutageLongerThanTheTimeoutStopsWithNothingDelivered) {
    SchedulerOptions o = quick_options(2, 2, 0.005, 0.02);
    o.outage_timeout_s = 0.3;
    const AttemptFn attempt = [](int endpoint, std::size_t, HttpClient&, const std::atomic<bool>&) {
        return failed(AttemptOutcome::kEndpointDown,
                      "endpoint " + std::to_string(endpoint) + ": Connection refused");
    };
    int delivered = 0;
    const auto start = std::chrono::steady_clock::now();
    auto status = run_scheduled(
        5, o, attempt, unused_client, [&](std::size_t, GenerationResult&&) { ++delivered; },
        nullptr);
    const double waited_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kBackend);
    EXPECT_NE(status.error().message.find("no endpoint has been reachable for 0.3 s"),
              std::string::npos)
        << status.error().message;
    EXPECT_NE(status.error().message.find(": Connection refused"), std::string::npos)
        << status.error().message;
    EXPECT_EQ(delivered, 0);
    EXPECT_GE(waited_s, 0.3);
    EXPECT_LT(waited_s, 5.0);
}

}  // namespace
}  // namespace biomedq::backends
