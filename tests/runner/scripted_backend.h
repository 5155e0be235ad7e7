// A Backend whose answers a test writes: the runner's own logic (resume, repairs, ties, write
// failures, outages) runs against it in milliseconds, with no model.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "biomedq/backend.h"

namespace biomedq::test {

class ScriptedBackend : public Backend {
public:
    // The reply to generation request `i` of a call; `transient` marks it as an outage (never
    // recorded).
    struct Reply {
        std::string text;
        bool transient = false;
    };
    std::function<Reply(std::size_t, const BackendRequest&)> reply =
        [](std::size_t, const BackendRequest&) { return Reply{"yes"}; };
    // The log-probability of option `c` of a loglik request (its position among one question's
    // options is c = continuation index as the runner sends them).
    std::function<double(const BackendLoglikRequest&)> logprob = [](const BackendLoglikRequest&) {
        return -1.0;
    };
    // Set to stop after this many delivered results, as Ctrl-C would (the call returns kCancelled).
    std::size_t cancel_after = static_cast<std::size_t>(-1);

    std::size_t n_generate_requests = 0;  // over all calls
    std::size_t n_loglik_requests = 0;

    Status supports_grammar() const override { return Status::success(); }
    Status supports_loglik() const override { return Status::success(); }
    bool supports_chat() const override { return true; }

    Status generate(const std::vector<BackendRequest>& requests,
                    const std::function<void(std::size_t, BackendResult&&)>& on_done,
                    const std::atomic<bool>* /*cancel*/) override {
        for (std::size_t i = 0; i < requests.size(); ++i) {
            if (i >= cancel_after) return make_error(ErrorCode::kCancelled, "cancelled");
            ++n_generate_requests;
            const Reply r = reply(i, requests[i]);
            BackendResult result;
            result.prompt_text = requests[i].raw_prompt.empty()
                                     ? requests[i].messages.back().content
                                     : requests[i].raw_prompt;
            result.generation.text = r.text;
            result.generation.finish =
                r.transient ? FinishReason::kError : FinishReason::kEndOfSequence;
            result.generation.transient = r.transient;
            if (r.transient) result.generation.error = "connection refused";
            result.generation.n_tokens_prompt = 10;
            result.generation.n_tokens_generated = 1;
            on_done(i, std::move(result));
        }
        return Status::success();
    }

    Result<std::vector<LoglikResult>> loglik(const std::vector<BackendLoglikRequest>& requests,
                                             const std::atomic<bool>* /*cancel*/) override {
        std::vector<LoglikResult> out;
        for (const auto& r : requests) {
            ++n_loglik_requests;
            LoglikResult l;
            l.logprob = logprob(r);
            l.n_tokens_continuation = 1;
            l.n_tokens_context = 20;
            out.push_back(l);
        }
        return out;
    }

    BackendMeasurements measurements() const override {
        BackendMeasurements m;
        m.backend = "scripted (test)";
        m.memory_source = "none";
        return m;
    }
};

}  // namespace biomedq::test
