// The one llama.cpp log hook: every registered sink sees the text logged during its registration,
// from any thread, and echo to stderr follows --verbose and quiet scopes.
#include "llama/log_hook.h"

#include <gguf.h>
#include <gtest/gtest.h>
#include <llama.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "llama/log_capture.h"
#include "llama/recent_log.h"

namespace biomedq::llama {
namespace {

// Logs `text` the way llama.cpp does: through the callback installed with llama_log_set.
void emit(ggml_log_level level, const char* text) {
    ggml_log_callback callback = nullptr;
    void* user_data = nullptr;
    llama_log_get(&callback, &user_data);
    ASSERT_NE(callback, nullptr);
    callback(level, text, user_data);
}

class Recorder : public LogSink {
public:
    void on_log(ggml_log_level /*level*/, const char* text) override {
        std::lock_guard lock(mutex_);
        pieces_.emplace_back(text);
    }
    std::vector<std::string> pieces() const {
        std::lock_guard lock(mutex_);
        return pieces_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> pieces_;
};

using Pieces = std::vector<std::string>;

TEST(LogHook, NestedScopedSinksBothSeeTheLinesOfTheirScopes) {
    Recorder outer_sink, inner_sink;
    {
        ScopedLogSink outer(outer_sink);
        emit(GGML_LOG_LEVEL_INFO, "before\n");
        {
            ScopedLogSink inner(inner_sink, Echo::kSilence);
            emit(GGML_LOG_LEVEL_WARN, "both\n");
        }
        emit(GGML_LOG_LEVEL_INFO, "after\n");
    }
    EXPECT_EQ(outer_sink.pieces(), (Pieces{"before\n", "both\n", "after\n"}));
    EXPECT_EQ(inner_sink.pieces(), (Pieces{"both\n"}));
}

TEST(LogHook, ASinkSeesNothingAfterItsScopeEnds) {
    Recorder sink;
    { ScopedLogSink registration(sink); }
    emit(GGML_LOG_LEVEL_ERROR, "nobody listens\n");
    EXPECT_TRUE(sink.pieces().empty());
    {
        ScopedLogSink registration(sink);
        emit(GGML_LOG_LEVEL_ERROR, "heard\n");
    }
    emit(GGML_LOG_LEVEL_ERROR, "gone again\n");
    EXPECT_EQ(sink.pieces(), (Pieces{"heard\n"}));
}

TEST(LogHook, ThreadsRegisteringAndLoggingAtOnceEachSeeTheirOwnLinesInOrder) {
    constexpr int kThreads = 4;
    constexpr int kLines = 200;
    set_log_echo(false);  // installs the hook before the noise thread reads it; keeps stderr short
    std::atomic<bool> stop{false};
    // Text from a thread with no sink of its own reaches every sink registered meanwhile.
    std::thread noise([&stop] {
        while (!stop) emit(GGML_LOG_LEVEL_DEBUG, "noise\n");
    });
    std::vector<std::vector<std::string>> seen(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([t, &seen] {
            for (int round = 0; round < 5; ++round) {
                Recorder sink;
                ScopedLogSink registration(sink, t % 2 == 0 ? Echo::kKeep : Echo::kSilence);
                for (int i = 0; i < kLines; ++i) {
                    emit(GGML_LOG_LEVEL_INFO,
                         ("t" + std::to_string(t) + " " + std::to_string(i) + "\n").c_str());
                }
                if (round == 4) seen[static_cast<std::size_t>(t)] = sink.pieces();
            }
        });
    }
    for (auto& thread : threads) thread.join();
    stop = true;
    noise.join();
    for (int t = 0; t < kThreads; ++t) {
        const std::string mine = "t" + std::to_string(t) + " ";
        int expected = 0;
        for (const auto& piece : seen[static_cast<std::size_t>(t)]) {
            if (piece.rfind(mine, 0) != 0) continue;  // another thread's line or noise
            EXPECT_EQ(piece, mine + std::to_string(expected) + "\n");
            ++expected;
        }
        EXPECT_EQ(expected, kLines) << "thread " << t;
    }
    set_log_echo(true);
}

TEST(LogCapture, KeepsEverythingAndTheWarningsAndErrorsAsOneLine) {
    std::vector<std::string> heard;
    LogCapture capture;
    capture.set_listener([&heard](const char* text) { heard.emplace_back(text); });
    emit(GGML_LOG_LEVEL_INFO, "loading\n");
    emit(GGML_LOG_LEVEL_WARN, "  key = missing\n");
    emit(GGML_LOG_LEVEL_ERROR, "failed\tto read\n");
    EXPECT_EQ(capture.all(), "loading\n  key = missing\nfailed\tto read\n");
    EXPECT_EQ(capture.errors_one_line(), "key missing failed to read");
    EXPECT_EQ(heard, (Pieces{"loading\n", "  key = missing\n", "failed\tto read\n"}));
}

TEST(LogCapture, HearsWhatLlamaCppItselfLogs) {
    LogCapture capture;
    gguf_init_params params{/*no_alloc=*/true, /*ctx=*/nullptr};
    gguf_context* ctx = gguf_init_from_file("/nonexistent/biomedq-log-hook-test.gguf", params);
    EXPECT_EQ(ctx, nullptr);
    EXPECT_NE(capture.errors_one_line().find("biomedq-log-hook-test.gguf"), std::string::npos)
        << capture.all();
}

TEST(RecentLog, AssemblesLinesFromPiecesAndKeepsErrorsAndBufferSizes) {
    install_recent_log(false);
    reset_recent_log();
    emit(GGML_LOG_LEVEL_INFO, "llama_context:        CPU compute buffer");
    emit(GGML_LOG_LEVEL_CONT, " size =    2.00 MiB\n");
    emit(GGML_LOG_LEVEL_ERROR, "first error\n");
    emit(GGML_LOG_LEVEL_CONT, "continued error line\n");
    emit(GGML_LOG_LEVEL_INFO, "just information\n");
    EXPECT_EQ(recent_llama_errors(), "first error; continued error line");
    const auto buffers = captured_buffer_memory();
    ASSERT_EQ(buffers.size(), 1u);
    EXPECT_EQ(buffers[0].buffer, "CPU");
    EXPECT_EQ(buffers[0].bytes_compute, 2ull * 1024 * 1024);
    reset_recent_log();
    EXPECT_EQ(recent_llama_errors(), "");
    EXPECT_TRUE(captured_buffer_memory().empty());
}

// stderr's text while `body` runs.
template <typename Body>
std::string stderr_of(Body body) {
    char path[] = "/tmp/biomedq-log-hook-XXXXXX";
    const int fd = mkstemp(path);
    std::fflush(stderr);
    const int saved = dup(2);
    dup2(fd, 2);
    body();
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::remove(path);
    return text.str();
}

TEST(LogHook, EchoesToStderrUnlessTurnedOffOrSilencedByAScope) {
    set_log_echo(true);
    EXPECT_EQ(stderr_of([] { emit(GGML_LOG_LEVEL_INFO, "shown\n"); }), "shown\n");
    EXPECT_EQ(stderr_of([] {
                  LogCapture quiet;
                  emit(GGML_LOG_LEVEL_ERROR, "kept quiet\n");
              }),
              "");
    set_log_echo(false);
    EXPECT_EQ(stderr_of([] { emit(GGML_LOG_LEVEL_INFO, "not verbose\n"); }), "");
    install_recent_log(true);  // --verbose
    EXPECT_EQ(stderr_of([] { emit(GGML_LOG_LEVEL_INFO, "verbose\n"); }), "verbose\n");
    set_log_echo(true);
}

}  // namespace
}  // namespace biomedq::llama
