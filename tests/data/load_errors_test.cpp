// Every loader's errors name the file, then the line and field where there is one, then what is
// wrong: one row per malformed fixture, with the exact message after the fixture's path (a parse
// error, kParse). Last, what a missing input is.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "data_test_support.h"

namespace biomedq::test {
namespace {

struct LoadErrorCase {
    const char* name;  // <Loader>_<what the fixture gets wrong>: the test's name
    const char* format;
    const char* file;
    std::vector<std::string> label_set;
    const char* entity_type;
    const char* message;  // what follows the fixture's path
};

void PrintTo(const LoadErrorCase& c, std::ostream* out) { *out << c.name; }

const std::vector<LoadErrorCase> kCases = {
    {"BioTsvLoader_IWithoutBIsAnErrorNamingFileLineAndField",
     "bio_tsv",
     "bio_i_without_b.tsv",
     {},
     "",
     ": line 3: field \"tag\": \"I\" tag does not continue a mention (no B or I before it)"},
    {"BioTsvLoader_IOfAnotherTypeIsAnError",
     "bio_tsv",
     "bio_type_mismatch.tsv",
     {},
     "",
     ": line 2: field \"tag\": \"I-Gene\" continues a mention of type \"Drug\""},
    {"BioTsvLoader_UnknownTagIsAnError",
     "bio_tsv",
     "bio_unknown_tag.tsv",
     {},
     "",
     ": line 3: field \"tag\": unknown tag \"E\", expected O, B, I, B-<type> or I-<type>"},
    {"BioTsvLoader_EmptyFileIsAnError",
     "bio_tsv",
     "empty.txt",
     {},
     "",
     ": no sentences (the file is empty)"},
    {"BioTsvLoader_WrongColumnCountIsAnError",
     "bio_tsv",
     "bio_wrong_columns.tsv",
     {},
     "",
     ": line 2: expected 2 TAB-separated fields (token, tag), found 3"},
    {"ChemprotGsLoader_LabelSetRestrictsRelationClass",
     "chemprot_gs",
     "chemprot_gs",
     {"CPR:3", "CPR:4"},
     "",
     "/demo_gold_standard.tsv: line 3: field \"relation\": unknown label \"CPR:9\", expected one "
     "of: CPR:3, CPR:4"},
    {"ChemprotGsLoader_RelationToUnknownEntityIsAnError",
     "chemprot_gs",
     "chemprot_gs_bad",
     {},
     "",
     "/demo_gold_standard.tsv: line 1: field \"Arg2\": entity T7 is not in the entities file for "
     "PMID 900"},
    {"MedqaJsonlLoader_MissingFieldNamesLineAndField",
     "medqa_jsonl",
     "medqa_missing_field.jsonl",
     {},
     "",
     ": line 2: field \"answer_idx\": missing"},
    {"MedqaJsonlLoader_AnswerThatIsNoOptionIsAnError",
     "medqa_jsonl",
     "medqa_answer_not_option.jsonl",
     {},
     "",
     ": line 1: field \"answer_idx\": \"E\" is not an option key, expected one of: A, B"},
    {"MedqaJsonlLoader_EmptyFileIsAnError",
     "medqa_jsonl",
     "empty.txt",
     {},
     "",
     ": no questions (the file is empty)"},
    {"MedqaOptionsTsvLoader_AnswerThatIsNoOptionNamesLineAndField",
     "medqa_options_tsv",
     "medqa5_answer_not_option.tsv",
     {},
     "",
     ": line 2: field \"answer_idx\": \"F\" is not an option key, expected one of: A, B"},
    {"MultilabelTsvLoader_UnknownLabelIsAnError",
     "multilabel_tsv",
     "multilabel_unknown_label.tsv",
     {"resisting cell death", "cellular energetics"},
     "",
     ": line 2: field \"labels\": unknown label \"made-up hallmark\", expected one of: resisting "
     "cell death, cellular energetics"},
    {"MultilabelTsvLoader_EmptyLabelBetweenSemicolonsIsAnError",
     "multilabel_tsv",
     "multilabel_empty_item.tsv",
     {},
     "",
     ": line 1: field \"labels\": empty label in \"resisting cell death;;cellular energetics\" "
     "(two `;` in a row?)"},
    {"MultilabelTsvLoader_EmptyFileIsAnError",
     "multilabel_tsv",
     "empty.txt",
     {},
     "",
     ": no rows (the file is empty)"},
    {"PubmedqaTsvLoader_BadListLiteralNamesLineAndField",
     "pubmedqa_tsv",
     "pubmedqa_bad_list.tsv",
     {},
     "",
     ": line 2: field \"CONTEXTS\": Python list literal: unterminated string at character 16"},
    {"PubmedqaTsvLoader_EmptyFileIsAnError",
     "pubmedqa_tsv",
     "empty.txt",
     {},
     "",
     ": no header row (the file is empty)"},
    {"PubtatorLoader_OffsetsOutsideTheTextAreAnError",
     "pubtator",
     "pubtator_offsets_outside.txt",
     {},
     "",
     ": line 3: field \"end\": offsets [37, 99) are outside the text (title + \" \" + abstract has "
     "56 characters)"},
    {"PubtatorLoader_MentionDifferentFromTextAtOffsetsIsAnError",
     "pubtator",
     "pubtator_mention_mismatch.txt",
     {},
     "",
     ": line 4: field \"mention\": \"rush\" differs from the text at [14, 18): \"rash\""},
    {"PubtatorLoader_MentionOfAnotherDocumentIsAnError",
     "pubtator",
     "pubtator_pmid_mismatch.txt",
     {},
     "",
     ": line 3: field \"PMID\": \"112\" differs from the document's PMID \"111\""},
    {"PubtatorLoader_EmptyFileIsAnError",
     "pubtator",
     "empty.txt",
     {},
     "",
     ": no documents (the file is empty)"},
    {"NcbiCorpusLoader_UnclosedInlineTagIsAnError",
     "ncbi_corpus",
     "ncbi_inline_unclosed.txt",
     {},
     "",
     ": line 1: field \"abstract\": <category> at character 2 has no </category>"},
    {"RelationTsvLoader_UnknownLabelNamesLineAndAllowedLabels",
     "relation_tsv",
     "relation_unknown_label.tsv",
     {"DDI-mechanism", "DDI-effect", "DDI-advise", "DDI-int", "DDI-false"},
     "",
     ": line 3: field \"label\": unknown label \"DDI-bogus\", expected one of: DDI-mechanism, "
     "DDI-effect, DDI-advise, DDI-int, DDI-false"},
    {"RelationTsvLoader_WrongColumnCountIsAnError",
     "relation_tsv",
     "relation_wrong_columns.tsv",
     {},
     "",
     ": line 1: expected 3 TAB-separated fields (index, sentence, label), found 2"},
    {"RelationTsvLoader_UnterminatedQuoteIsAnError",
     "relation_tsv",
     "relation_bad_quote.tsv",
     {},
     "",
     ": line 1: field \"sentence\": CSV-quoted field has no closing quote"},
    {"RelationTsvLoader_EmptyFileIsAnError",
     "relation_tsv",
     "empty.txt",
     {},
     "",
     ": no rows (the file is empty)"},
};

class LoadError : public ::testing::TestWithParam<LoadErrorCase> {};

TEST_P(LoadError, NamesTheFileThenWhatIsWrong) {
    const LoadErrorCase& c = GetParam();
    const auto result = load_fixture(c.format, c.file, c.label_set, c.entity_type);
    EXPECT_EQ(code_of(result), ErrorCode::kParse);
    EXPECT_EQ(error_of(result), data_fixture(c.file) + c.message);
}

INSTANTIATE_TEST_SUITE_P(Loaders, LoadError, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<LoadErrorCase>& row) {
                             return std::string(row.param.name);
                         });

// What is not there, or not the kind of path the format reads (a file for a folder), is kNotFound,
// not a parse error.
TEST(Loaders, AMissingFileOrFolderIsNotFound) {
    for (const auto& [format, name] :
         {std::pair{"bio_tsv", "no_such_file.tsv"}, std::pair{"chemprot_gs", "empty.txt"}}) {
        EXPECT_EQ(code_of(load_fixture(format, name)), ErrorCode::kNotFound)
            << format << " " << name;
    }
}

}  // namespace
}  // namespace biomedq::test
