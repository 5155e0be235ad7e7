// `cmake --install` gives a biomedq that works away from the source checkout: it finds the shipped
// tasks in <prefix>/share/biomedq/tasks, and BIOMEDQ_TASKS_DIR still overrides that.
#include <cstdlib>
#include <fstream>

#include "e2e/e2e_support.h"

namespace biomedq::test {
namespace {

TEST(InstallE2E, AnInstalledBinaryFindsItsShippedTasks) {
    const auto prefix = make_temp_dir("install");
    const std::string install = std::string("\"") + BIOMEDQ_CMAKE_COMMAND + "\" --install \"" +
                                BIOMEDQ_BINARY_DIR + "\" --prefix \"" + prefix.string() +
                                "\" >/dev/null";
    ASSERT_EQ(std::system(install.c_str()), 0) << install;
    const auto bin = prefix / "bin" / "biomedq";
    ASSERT_TRUE(std::filesystem::exists(bin));
    EXPECT_TRUE(
        std::filesystem::exists(prefix / "share" / "biomedq" / "schemas" / "results.schema.json"));
    EXPECT_TRUE(std::filesystem::exists(prefix / "share" / "biomedq" / "tasks" / "protocols" /
                                        "chen2025" / "medqa.yaml"));

    // Its default task folder is the installed one, not the source tree's.
    const auto help = run_command({bin.string(), "tasks", "--help"});
    ASSERT_EQ(help.exit_code, 0) << help.err;
    EXPECT_NE(help.out.find((prefix / "share" / "biomedq" / "tasks").string()), std::string::npos)
        << help.out;
    const auto listed = run_command({bin.string(), "tasks", "--json"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_EQ(nlohmann::json::parse(listed.out).size(), 9u) << listed.out;  // the 8 and medqa5

    // A user's own folder wins over the installed one.
    const auto mine = prefix / "my-tasks";
    std::filesystem::create_directories(mine);
    std::filesystem::copy_file(prefix / "share" / "biomedq" / "tasks" / "ddi.yaml",
                               mine / "ddi.yaml");
    ::setenv("BIOMEDQ_TASKS_DIR", mine.c_str(), 1);
    const auto overridden = run_command({bin.string(), "tasks", "--json"});
    ::unsetenv("BIOMEDQ_TASKS_DIR");
    ASSERT_EQ(overridden.exit_code, 0) << overridden.err;
    EXPECT_EQ(nlohmann::json::parse(overridden.out).size(), 1u) << overridden.out;
    std::filesystem::remove_all(prefix);
}

}  // namespace
}  // namespace biomedq::test
