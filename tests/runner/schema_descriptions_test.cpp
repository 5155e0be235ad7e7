// Every field of the run-output schemas is described, units included: the schemas are the
// documentation of results.json and samples.jsonl (issue 18 item 9).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/paths.h"

namespace biomedq {
namespace {

// Field declarations without a description, as JSON pointers. `if` subtrees are conditions on
// fields declared elsewhere, not declarations.
void undescribed(const nlohmann::json& node, const std::string& at, std::vector<std::string>& out) {
    if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            undescribed(node[i], at + "/" + std::to_string(i), out);
        return;
    }
    if (!node.is_object()) return;
    if (node.contains("properties")) {
        for (const auto& [name, field] : node["properties"].items()) {
            const bool described = field.is_object() && field.contains("description") &&
                                   field["description"].is_string() &&
                                   !field["description"].get<std::string>().empty();
            if (!described) out.push_back(at + "/properties/" + name);
        }
        // A required field must be declared, or it is a field nobody described.
        for (const auto& name : node.value("required", nlohmann::json::array())) {
            if (!node["properties"].contains(name.get<std::string>()))
                out.push_back(at + "/required/" + name.get<std::string>());
        }
    }
    for (const auto& [key, child] : node.items()) {
        if (key == "if") continue;
        undescribed(child, at + "/" + key, out);
    }
}

std::vector<std::filesystem::path> schema_files() {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() / "schemas")) {
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    return files;
}

TEST(SchemaDescriptions, EveryFieldOfEverySchemaIsDescribed) {
    const auto files = schema_files();
    ASSERT_GE(files.size(), 2u);
    for (const auto& file : files) {
        std::ifstream in(file);
        const auto schema = nlohmann::json::parse(in);
        std::vector<std::string> missing;
        undescribed(schema, "", missing);
        std::string list;
        for (const auto& m : missing) list += "\n  " + m;
        EXPECT_TRUE(missing.empty())
            << file.filename().string() << ": fields without a description:" << list;
    }
}

// The walker itself fails where it should, so a passing run above means something.
TEST(SchemaDescriptions, WalkerFindsUndescribedNestedAndUndeclaredRequiredFields) {
    const auto schema = nlohmann::json::parse(R"({
        "required": ["a", "ghost"],
        "properties": {"a": {"type": "object", "description": "ok",
                             "properties": {"b": {"type": "integer"}}}},
        "$defs": {"d": {"properties": {"c": {"description": ""}}}},
        "allOf": [{"if": {"properties": {"a": {"const": 1}}}, "then": {"required": ["a"]}}]
    })");
    std::vector<std::string> missing;
    undescribed(schema, "", missing);
    EXPECT_EQ(missing, (std::vector<std::string>{"/required/ghost", "/$defs/d/properties/c",
                                                 "/properties/a/properties/b"}));
}

}  // namespace
}  // namespace biomedq
