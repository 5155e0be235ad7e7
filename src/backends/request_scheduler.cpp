#include "backends/request_scheduler.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>

namespace biomedq::backends {
namespace {

using Clock = std::chrono::steady_clock;

struct Pending {
    std::size_t index = 0;
    int attempts = 0;  // attempts that count against max_attempts
    Clock::time_point not_before{};
    Clock::time_point t_first{};
    bool started = false;
    std::string last_error;
};

struct EndpointHealth {
    Clock::time_point down_until{};
    int consecutive_failures = 0;
};

// Exponential backoff with "equal jitter": half the delay fixed, half random, so retries from many
// workers spread out without ever retrying immediately.
std::chrono::milliseconds backoff(const SchedulerOptions& o, int n_failures) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    double delay = o.backoff_initial_s * static_cast<double>(1ull << std::min(n_failures - 1, 20));
    delay = std::min(delay, o.backoff_max_s);
    std::uniform_real_distribution<double> jitter(0.0, delay / 2);
    return std::chrono::milliseconds(static_cast<long>((delay / 2 + jitter(rng)) * 1000.0));
}

struct Shared {
    std::mutex m;
    std::condition_variable work_cv;  // queue changed, endpoint recovered, or stop
    std::condition_variable done_cv;  // a final result is ready
    std::deque<Pending> queue;
    std::deque<std::pair<std::size_t, GenerationResult>> done;
    std::vector<EndpointHealth> health;
    std::size_t n_outstanding = 0;  // requests without a final result
    std::atomic<bool> stop{false};
};

GenerationResult error_result(const Pending& p, const std::string& why) {
    GenerationResult r;
    r.finish = FinishReason::kError;
    r.error = why;
    r.t_latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - p.t_first).count();
    return r;
}

bool any_endpoint_up(const Shared& s, Clock::time_point now) {
    return std::any_of(s.health.begin(), s.health.end(),
                       [&](const EndpointHealth& h) { return h.down_until <= now; });
}

void worker(Shared& s, int endpoint, const SchedulerOptions& o, const AttemptFn& attempt,
            HttpClient& client) {
    std::unique_lock lock(s.m);
    while (true) {
        if (s.stop || s.n_outstanding == 0) return;
        const auto now = Clock::now();
        // wait_until takes the deadline by reference and reads it again after waking, when other
        // workers may have changed or freed what it points into: always wait on a local copy.
        const Clock::time_point down_until = s.health[static_cast<std::size_t>(endpoint)].down_until;
        if (down_until > now) {
            s.work_cv.wait_until(lock, down_until);
            continue;
        }
        auto ready = std::find_if(s.queue.begin(), s.queue.end(),
                                  [&](const Pending& p) { return p.not_before <= now; });
        if (ready == s.queue.end()) {
            if (s.queue.empty()) {
                s.work_cv.wait(lock);
            } else {
                // A copy, not next->not_before: the queue element may be erased while we wait
                // (a heap-use-after-free that ASan found).
                const Clock::time_point earliest =
                    std::min_element(s.queue.begin(), s.queue.end(), [](const Pending& a, const Pending& b) {
                        return a.not_before < b.not_before;
                    })->not_before;
                s.work_cv.wait_until(lock, earliest);
            }
            continue;
        }
        Pending p = std::move(*ready);
        s.queue.erase(ready);
        if (!p.started) {
            p.started = true;
            p.t_first = now;
        }
        lock.unlock();
        Attempt a = attempt(endpoint, p.index, client, s.stop);
        lock.lock();
        if (s.stop) return;  // cancelled: nothing more is delivered
        auto& h = s.health[static_cast<std::size_t>(endpoint)];
        const auto after = Clock::now();
        bool final = false;
        GenerationResult result;
        switch (a.outcome) {
            case AttemptOutcome::kDone:
                h.consecutive_failures = 0;
                result = std::move(a.result);
                result.t_latency_ms = std::chrono::duration<double, std::milli>(after - p.t_first).count();
                final = true;
                break;
            case AttemptOutcome::kRetryServer:
                p.last_error = a.error;
                if (++p.attempts >= o.max_attempts) {
                    result = error_result(p, a.error + " (gave up after " + std::to_string(p.attempts) + " attempts)");
                    final = true;
                } else {
                    p.not_before = after + backoff(o, p.attempts);
                }
                break;
            case AttemptOutcome::kEndpointDown:
                p.last_error = a.error;
                h.consecutive_failures++;
                h.down_until = after + backoff(o, h.consecutive_failures);
                // Only when no endpoint is left does an unreachable server count against the request:
                // while another endpoint answers, the request simply moves there.
                if (!any_endpoint_up(s, after)) {
                    if (++p.attempts >= o.max_attempts) {
                        result = error_result(p, a.error + " (no endpoint reachable; gave up after " +
                                                     std::to_string(p.attempts) + " attempts)");
                        final = true;
                    } else {
                        p.not_before = after + backoff(o, p.attempts);
                    }
                }
                break;
        }
        if (final) {
            s.done.emplace_back(p.index, std::move(result));
            s.n_outstanding--;
            s.done_cv.notify_one();
        } else {
            s.queue.push_front(std::move(p));
        }
        s.work_cv.notify_all();
    }
}

}  // namespace

Status run_scheduled(std::size_t n_requests, const SchedulerOptions& o, const AttemptFn& attempt,
                     const ClientFactory& make_client,
                     const std::function<void(std::size_t, GenerationResult&&)>& on_done,
                     const std::atomic<bool>* cancel) {
    if (n_requests == 0) return Status::success();
    Shared s;
    s.health.resize(static_cast<std::size_t>(o.n_endpoints));
    s.n_outstanding = n_requests;
    for (std::size_t i = 0; i < n_requests; ++i) s.queue.push_back(Pending{i, 0, {}, {}, false, {}});

    const std::size_t n_workers_per = static_cast<std::size_t>(
        std::max(1, std::min<int>(o.concurrency_per_endpoint, static_cast<int>(n_requests))));
    std::vector<std::unique_ptr<HttpClient>> clients;
    std::vector<std::thread> threads;
    for (int e = 0; e < o.n_endpoints; ++e) {
        for (std::size_t w = 0; w < n_workers_per; ++w) {
            clients.push_back(make_client());
            HttpClient& c = *clients.back();
            threads.emplace_back([&s, e, &o, &attempt, &c] { worker(s, e, o, attempt, c); });
        }
    }
    const auto stop_all = [&] {
        {
            std::lock_guard lock(s.m);
            s.stop = true;
        }
        s.work_cv.notify_all();
        for (auto& t : threads) t.join();
    };

    std::size_t delivered = 0;
    bool cancelled = false;
    while (delivered < n_requests) {
        std::deque<std::pair<std::size_t, GenerationResult>> ready;
        {
            std::unique_lock lock(s.m);
            s.done_cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return !s.done.empty(); });
            ready.swap(s.done);
        }
        for (auto& [index, result] : ready) {
            on_done(index, std::move(result));
            ++delivered;
        }
        if (cancel && cancel->load() && delivered < n_requests) {
            cancelled = true;
            break;
        }
    }
    stop_all();
    if (cancelled) {
        for (auto& [index, result] : s.done) on_done(index, std::move(result));
        return make_error(ErrorCode::kCancelled, "cancelled");
    }
    return Status::success();
}

}  // namespace biomedq::backends
