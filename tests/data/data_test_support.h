// Shared by the data tests: fixture paths and a one-line way to load one.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "biomedq/data.h"
#include "support/paths.h"

namespace biomedq::test {

inline std::string data_fixture(const std::string& name) {
    return (fixtures_dir() / "data" / name).string();
}

inline Result<Dataset> load_fixture(const std::string& format, const std::string& name,
                                    std::vector<std::string> label_set = {},
                                    std::string entity_type = {}) {
    DataSource source;
    source.format = format;
    source.path = data_fixture(name);
    source.label_set = std::move(label_set);
    source.entity_type = std::move(entity_type);
    return load_dataset(source);
}

// Loads a fixture that must load into `const Dataset& name`; a load error fails the test here with
// its message. A macro because only a macro can stop the calling test (ASSERT).
#define ASSERT_LOADS(name, ...)                                       \
    auto name##_result = ::biomedq::test::load_fixture(__VA_ARGS__);  \
    ASSERT_TRUE(name##_result.ok()) << name##_result.error().message; \
    const ::biomedq::Dataset& name = *name##_result

// The error code of a load expected to fail; none when it loaded.
inline std::optional<ErrorCode> code_of(const Result<Dataset>& result) {
    if (result.ok()) return std::nullopt;
    return result.error().code;
}

// The error message of a load expected to fail, or a marker that makes the test's EXPECT fail.
inline std::string error_of(const Result<Dataset>& result) {
    if (result.ok()) return "<loaded without error>";
    return result.error().message;
}

// A document read with its gold spans: its id, its text and the spans, in order.
inline void expect_document(const Example& e, const std::string& id, const std::string& text,
                            const std::vector<Span>& spans) {
    EXPECT_EQ(e.id, id);
    EXPECT_EQ(e.text, text);
    EXPECT_EQ(e.spans, spans);
}

}  // namespace biomedq::test
