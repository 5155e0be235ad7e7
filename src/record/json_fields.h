// Reading typed fields out of a JSON object with messages that name the field: the codec's one way
// to read, so every record error says `field "tasks.ddi.metrics.0.value": expected a number, got
// "x"` instead of a library exception.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "biomedq/result.h"

namespace biomedq::record {

// The value as a message shows it: short, one line.
std::string shown(const nlohmann::json& value);

// Reads the fields of one JSON object; the first error is kept and later reads are skipped, so a
// decoder reads straight through and checks `status()` once.
class FieldReader {
public:
    // `object` must outlive the reader; `path` is the dotted name of the object ("" at the top).
    FieldReader(const nlohmann::json& object, std::string path);

    bool has(const char* key) const;
    std::string path_of(const char* key) const;  // "path.key"

    // Required fields: missing or of the wrong type is an error.
    void get(const char* key, std::string& out);
    void get(const char* key, bool& out);
    void get(const char* key, int& out);
    void get(const char* key, std::uint64_t& out);
    void get(const char* key, double& out);
    // Optional fields: left as they are when absent; the wrong type is still an error.
    template <typename T>
    void get_if_present(const char* key, T& out) {
        if (has(key)) get(key, out);
    }
    template <typename T>
    void get_if_present(const char* key, std::optional<T>& out) {
        if (!has(key)) return;
        T value{};
        get(key, value);
        if (ok()) out = std::move(value);
    }
    void get_if_present(const char* key, std::vector<std::string>& out);
    void get_if_present(const char* key, std::size_t& out);

    // A nested value for a sub-decoder; null when absent.
    const nlohmann::json& child(const char* key) const;
    // Records an error from a sub-decoder (its message already names the field).
    void fail(Error error);
    void fail(const char* key, const std::string& expected);

    bool ok() const { return !error_.has_value(); }
    Status status() const;

private:
    const nlohmann::json& object_;
    std::string path_;
    std::optional<Error> error_;
};

// A sub-object's dotted path: "tasks" + "ddi" -> "tasks.ddi".
std::string join_path(const std::string& path, const std::string& key);

}  // namespace biomedq::record
