#include "backends/request_scheduler.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
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
    bool unreachable = false;  // its last attempt found no server (refused, reset, closed)
    Clock::time_point unreachable_since{};
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
    std::string last_unreachable;  // the last connection error, for the outage message
    std::string fatal;             // set by a kFatal attempt: why the run stops
};

// A request that got no answer: transient, so the runner records nothing and a rerun asks again.
GenerationResult transient_result(const Pending& p, const std::string& why) {
    GenerationResult r;
    r.finish = FinishReason::kError;
    r.transient = true;
    r.error = why;
    r.t_latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - p.t_first).count();
    return r;
}

// How long every endpoint has been unreachable (zero while any of them answers or is untried).
Clock::duration outage_length(const Shared& s, Clock::time_point now) {
    Clock::time_point since{};
    for (const auto& h : s.health) {
        if (!h.unreachable) return Clock::duration::zero();
        since = std::max(since, h.unreachable_since);
    }
    return now - since;
}

// Waits (the lock released meanwhile) until `endpoint` is up and a request is due, and takes that
// request. nullopt when it woke up without one: the caller checks for stop and asks again.
std::optional<Pending> take_ready(Shared& s, int endpoint, std::unique_lock<std::mutex>& lock) {
    const auto now = Clock::now();
    // wait_until takes the deadline by reference and reads it again after waking, when other
    // workers may have changed or freed what it points into: always wait on a local copy.
    const Clock::time_point down_until = s.health[static_cast<std::size_t>(endpoint)].down_until;
    if (down_until > now) {
        s.work_cv.wait_until(lock, down_until);
        return std::nullopt;
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
                std::min_element(
                    s.queue.begin(), s.queue.end(),
                    [](const Pending& a, const Pending& b) { return a.not_before < b.not_before; })
                    ->not_before;
            s.work_cv.wait_until(lock, earliest);
        }
        return std::nullopt;
    }
    Pending p = std::move(*ready);
    s.queue.erase(ready);
    if (!p.started) {
        p.started = true;
        p.t_first = now;
    }
    return p;
}

enum class AfterAttempt { kRequeue, kFinal, kStop };

// Applies an attempt's outcome to the request and its endpoint's health (under the lock). kFinal:
// `result` is the request's final result; kStop: a fatal error stopped the run.
AfterAttempt apply_outcome(Shared& s, int endpoint, const SchedulerOptions& o, Pending& p,
                           Attempt& a, GenerationResult& result) {
    auto& h = s.health[static_cast<std::size_t>(endpoint)];
    const auto after = Clock::now();
    switch (a.outcome) {
        case AttemptOutcome::kDone:
            h.consecutive_failures = 0;
            h.unreachable = false;
            result = std::move(a.result);
            result.t_latency_ms =
                std::chrono::duration<double, std::milli>(after - p.t_first).count();
            return AfterAttempt::kFinal;
        case AttemptOutcome::kRetryServer:
            h.unreachable = false;  // it answered, if only to refuse
            p.last_error = a.error;
            if (a.retry_after_s >= 0) {
                // The server said when it will take requests again: nothing goes to it before then
                // (the request itself may move to another endpoint sooner).
                const auto rest = std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(std::min(a.retry_after_s, o.retry_after_max_s)));
                h.down_until = std::max(h.down_until, after + rest);
            }
            if (++p.attempts >= o.max_attempts) {
                result = transient_result(
                    p, a.error + " (gave up after " + std::to_string(p.attempts) + " attempts)");
                return AfterAttempt::kFinal;
            }
            p.not_before = after + backoff(o, p.attempts);
            return AfterAttempt::kRequeue;
        case AttemptOutcome::kEndpointDown:
            // Never counted against the request: an outage is not the request's fault, and
            // counting it turned a few minutes of downtime into permanent wrong answers. The
            // outage as a whole is bounded instead (run_scheduled watches outage_length).
            p.last_error = a.error;
            s.last_unreachable = a.error;
            if (!h.unreachable) {
                h.unreachable = true;
                h.unreachable_since = after;
            }
            h.consecutive_failures++;
            h.down_until = after + backoff(o, h.consecutive_failures);
            return AfterAttempt::kRequeue;
        case AttemptOutcome::kFatal:
            s.fatal = a.error;
            s.stop = true;
            s.work_cv.notify_all();
            s.done_cv.notify_one();
            return AfterAttempt::kStop;
    }
    return AfterAttempt::kRequeue;
}

void worker(Shared& s, int endpoint, const SchedulerOptions& o, const AttemptFn& attempt,
            HttpClient& client) {
    std::unique_lock lock(s.m);
    while (true) {
        if (s.stop || s.n_outstanding == 0) return;
        std::optional<Pending> taken = take_ready(s, endpoint, lock);
        if (!taken) continue;
        Pending p = std::move(*taken);
        lock.unlock();
        Attempt a = attempt(endpoint, p.index, client, s.stop);
        lock.lock();
        if (s.stop) return;  // cancelled: nothing more is delivered
        GenerationResult result;
        const AfterAttempt next = apply_outcome(s, endpoint, o, p, a, result);
        if (next == AfterAttempt::kStop) return;
        if (next == AfterAttempt::kFinal) {
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
    for (std::size_t i = 0; i < n_requests; ++i)
        s.queue.push_back(Pending{i, 0, {}, {}, false, {}});

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
    Status stopped = Status::success();
    while (delivered < n_requests) {
        std::deque<std::pair<std::size_t, GenerationResult>> ready;
        std::string fatal, outage;
        {
            std::unique_lock lock(s.m);
            s.done_cv.wait_for(lock, std::chrono::milliseconds(100),
                               [&] { return !s.done.empty() || s.stop; });
            ready.swap(s.done);
            fatal = s.fatal;
            if (outage_length(s, Clock::now()) >=
                std::chrono::duration<double>(o.outage_timeout_s)) {
                outage = s.last_unreachable;
            }
        }
        for (auto& [index, result] : ready) {
            on_done(index, std::move(result));
            ++delivered;
        }
        if (delivered == n_requests) break;
        if (cancel && cancel->load()) {
            stopped = make_error(ErrorCode::kCancelled, "cancelled");
        } else if (!fatal.empty()) {
            stopped = make_error(ErrorCode::kBackend, fatal);
        } else if (!outage.empty()) {
            std::ostringstream seconds;
            seconds << o.outage_timeout_s;
            stopped = make_error(ErrorCode::kBackend,
                                 "no endpoint has been reachable for " + seconds.str() +
                                     " s (--endpoint-outage-timeout); last error: " + outage);
        }
        if (!stopped.ok()) break;
    }
    stop_all();
    if (!stopped.ok()) {
        for (auto& [index, result] : s.done) on_done(index, std::move(result));
        return stopped;
    }
    return Status::success();
}

}  // namespace biomedq::backends
