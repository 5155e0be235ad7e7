#include "tasks/python_repr.h"

#include <gtest/gtest.h>

#include <fstream>

#include "biomedq/data.h"
#include "data/python_string_list.h"
#include "data/text_lines.h"
#include "data/tsv_fields.h"
#include "support/expect_each.h"
#include "support/paths.h"

namespace biomedq::test {
namespace {

using tasks::python_repr;
using tasks::python_repr_list;

TEST(PythonRepr, QuotesAsPythonChoosesThem) {
    test::expect_each(python_repr, {
                                       {"plain", "'plain'"},
                                       {"it's", "\"it's\""},
                                       {"it's \"x\"", "'it\\'s \"x\"'"},
                                       {"say \"x\"", "'say \"x\"'"},
                                       {"", "''"},
                                   });
}

TEST(PythonRepr, EscapesControlAndSeparatorCharactersKeepsOtherUnicode) {
    test::expect_each(python_repr, {
                                       {"a\\b\tc\nd\re", "'a\\\\b\\tc\\nd\\re'"},
                                       {"caf\xC3\xA9 \xCE\xB1 \xE2\x89\xA5",
                                        "'caf\xC3\xA9 \xCE\xB1 \xE2\x89\xA5'"},  // é α ≥
                                       {"a\xC2\xA0"
                                        "b",
                                        "'a\\xa0b'"},  // no-break space
                                       {"a\xE2\x80\x89"
                                        "b",
                                        "'a\\u2009b'"},  // thin space
                                       {"a\x01"
                                        "b",
                                        "'a\\x01b'"},
                                   });
}

TEST(PythonRepr, ListIsCommaSpaceJoined) {
    EXPECT_EQ(python_repr_list({}), "[]");
    EXPECT_EQ(python_repr_list({"a", "it's"}), "['a', \"it's\"]");
}

TEST(PythonRepr, RoundTripsThroughTheLiteralReader) {
    const std::vector<std::string> items = {"x'y\"z", "tab\there", "\xC2\xA0lead", "back\\slash",
                                            "\xF0\x9F\x98\x80"};
    auto parsed = data::parse_python_string_list(python_repr_list(items));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(*parsed, items);
}

// PubMedQA's TSVs store CONTEXTS as Python wrote str(list): rendering the loaded passages must give
// back exactly the file's text, which is what the published prompts show the model.
TEST(PythonRepr, ReproducesPubmedqaContextsFieldsByteForByte) {
    const auto dir = shared_data_dir() / "PubMedQA";
    if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no PubMedQA at " << dir;
    for (const char* file : {"test.tsv", "pubmedqa-sample200.tsv"}) {
        std::ifstream in(dir / file, std::ios::binary);
        const std::string content((std::istreambuf_iterator<char>(in)), {});
        const auto lines = data::split_lines(content);
        const auto header = data::split_tabs(lines.at(0).text);
        const auto column = std::find(header.begin(), header.end(), "CONTEXTS") - header.begin();
        std::vector<std::string> fields;
        for (std::size_t n = 1; n < lines.size(); ++n) {
            auto field = data::unquote_csv_field(
                data::split_tabs(lines[n].text).at(static_cast<std::size_t>(column)));
            ASSERT_TRUE(field.ok());
            fields.push_back(*field);
        }
        DataSource source{"pubmedqa_tsv", (dir / file).string(), "", {}, ""};
        auto dataset = load_dataset(source);
        ASSERT_TRUE(dataset.ok()) << dataset.error().message;
        ASSERT_EQ(dataset->examples.size(), fields.size());
        for (std::size_t i = 0; i < fields.size(); ++i) {
            EXPECT_EQ(python_repr_list(dataset->examples[i].passages), fields[i])
                << file << " row " << i + 1;
        }
    }
}

}  // namespace
}  // namespace biomedq::test
