// Errors as values (leveldb/abseil Status style). Library functions return Result<T>; only the CLI
// turns an Error into a message and an exit code. Third-party exceptions are caught in the adapter
// that calls the third-party code and converted here.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace biomedq {

enum class ErrorCode {
    kInvalidArgument,  // a flag or config value is wrong
    kNotFound,         // a file, task or key does not exist
    kParse,            // input exists but is malformed
    kIo,               // reading or writing failed
    kUnsupported,      // valid input we cannot handle (architecture, quant type, server feature)
    kResource,         // out of memory, context too small
    kBackend,          // llama.cpp or a server failed
    kConflict,         // e.g. resuming a run with a different configuration
    kCancelled,        // the user interrupted
    kInternal,
};

// A message a user can act on: it names the thing (file, line, field, flag) and what was expected.
struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;

    // Prefixes context, e.g. error.with_context("medqa: line 17") -> "medqa: line 17: <message>".
    Error with_context(const std::string& context) const {
        return Error{code, context + ": " + message};
    }
};

inline Error make_error(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design, like std::expected
    Result(Error error) : state_(std::move(error)) {}  // NOLINT

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(state_); }
    const T& value() const& { return std::get<T>(state_); }
    T&& value() && { return std::get<T>(std::move(state_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<Error>(state_); }

private:
    std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
    static Status success() { return Status(); }

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }

private:
    Error error_;
    bool ok_ = true;
};

}  // namespace biomedq

// Straight-line propagation: BIOMEDQ_TRY(status_expr); BIOMEDQ_ASSIGN(auto x, result_expr);
#define BIOMEDQ_CONCAT_INNER(a, b) a##b
#define BIOMEDQ_CONCAT(a, b) BIOMEDQ_CONCAT_INNER(a, b)
#define BIOMEDQ_TRY(expr)                                                  \
    do {                                                                   \
        auto biomedq_try_status_ = (expr);                                 \
        if (!biomedq_try_status_.ok()) return biomedq_try_status_.error(); \
    } while (0)
#define BIOMEDQ_ASSIGN_IMPL(tmp, decl, expr) \
    auto tmp = (expr);                       \
    if (!tmp.ok()) return tmp.error();       \
    decl = std::move(tmp).value()
#define BIOMEDQ_ASSIGN(decl, expr) \
    BIOMEDQ_ASSIGN_IMPL(BIOMEDQ_CONCAT(biomedq_r_, __LINE__), decl, expr)
