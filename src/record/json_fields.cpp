#include "record/json_fields.h"

#include <cmath>

namespace biomedq::record {

std::string shown(const nlohmann::json& value) {
    std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

std::string join_path(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

FieldReader::FieldReader(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) {
        error_ = make_error(ErrorCode::kParse,
                            (path_.empty() ? std::string("record") : "field \"" + path_ + "\"") +
                                ": expected a JSON object, got " + shown(object_));
    }
}

bool FieldReader::has(const char* key) const {
    return object_.is_object() && object_.contains(key);
}

std::string FieldReader::path_of(const char* key) const { return join_path(path_, key); }

const nlohmann::json& FieldReader::child(const char* key) const {
    static const nlohmann::json kNull;
    return has(key) ? object_.at(key) : kNull;
}

void FieldReader::fail(Error error) {
    if (!error_) error_ = std::move(error);
}

void FieldReader::fail(const char* key, const std::string& expected) {
    if (error_) return;
    const std::string field = "field \"" + path_of(key) + "\": ";
    error_ =
        make_error(ErrorCode::kParse,
                   has(key) ? field + "expected " + expected + ", got " + shown(object_.at(key))
                            : field + "missing (expected " + expected + ")");
}

Status FieldReader::status() const {
    if (error_) return *error_;
    return Status::success();
}

void FieldReader::get(const char* key, std::string& out) {
    if (!ok()) return;
    if (!has(key) || !object_.at(key).is_string()) return fail(key, "a string");
    out = object_.at(key).get<std::string>();
}

void FieldReader::get(const char* key, bool& out) {
    if (!ok()) return;
    if (!has(key) || !object_.at(key).is_boolean()) return fail(key, "true or false");
    out = object_.at(key).get<bool>();
}

void FieldReader::get(const char* key, int& out) {
    if (!ok()) return;
    if (!has(key) || !object_.at(key).is_number_integer()) return fail(key, "an integer");
    out = object_.at(key).get<int>();
}

void FieldReader::get(const char* key, std::uint64_t& out) {
    if (!ok()) return;
    const bool count =
        has(key) &&
        (object_.at(key).is_number_unsigned() ||
         (object_.at(key).is_number_integer() && object_.at(key).get<std::int64_t>() >= 0));
    if (!count) return fail(key, "an integer >= 0");
    out = object_.at(key).get<std::uint64_t>();
}

void FieldReader::get_if_present(const char* key, std::size_t& out) {
    if (!has(key)) return;
    std::uint64_t value = 0;
    get(key, value);
    if (ok()) out = static_cast<std::size_t>(value);
}

void FieldReader::get(const char* key, double& out) {
    if (!ok()) return;
    if (!has(key) || !object_.at(key).is_number() ||
        !std::isfinite(object_.at(key).get<double>())) {
        return fail(key, "a finite number");
    }
    out = object_.at(key).get<double>();
}

void FieldReader::get_if_present(const char* key, std::vector<std::string>& out) {
    if (!ok() || !has(key)) return;
    const auto& value = object_.at(key);
    if (!value.is_array()) return fail(key, "an array of strings");
    std::vector<std::string> items;
    for (const auto& item : value) {
        if (!item.is_string()) return fail(key, "an array of strings");
        items.push_back(item.get<std::string>());
    }
    out = std::move(items);
}

}  // namespace biomedq::record
