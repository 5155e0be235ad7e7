// The SQLite result store when another process holds the database locked, and when the file is not
// a database: both give one clear error naming the file (from `biomedq import` and from the API),
// the import changes nothing, and the store works again once the lock is gone.
#include <sqlite3.h>

#include "biomedq/store.h"
#include "faults_support.h"

namespace biomedq::test {
namespace {

class StoreFaults : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!have_shared_data_readme()) return;
        dir_ = new std::filesystem::path(make_temp_dir("faults_store"));
        const auto r = run_command(tiny_eval_args(tiny_model_path(), *dir_ / "run", "pubmedqa", 2));
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    void SetUp() override {
        if (!have_shared_data_readme()) GTEST_SKIP() << "no data at " << shared_data_dir();
    }
    static std::filesystem::path run_dir() { return *dir_ / "run"; }
    static CommandOutput import(const std::filesystem::path& db) {
        return run_command(
            {biomedq_binary().string(), "import", run_dir().string(), "--store", db.string()}, 120);
    }
    static inline std::filesystem::path* dir_ = nullptr;
};

TEST_F(StoreFaults, ALockedDatabaseGivesAClearErrorAndWorksOnceUnlocked) {
    const auto db = *dir_ / "locked.sqlite";
    ASSERT_TRUE(ResultStore::open(db).ok());  // schema in place

    sqlite3* holder = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &holder), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);

    // The store waits its busy timeout (10 s), then gives up with the file and the cause.
    const auto r = import(db);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find(db.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("database is locked"), std::string::npos) << r.err;

    ASSERT_EQ(sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(holder);
    const auto again = import(db);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    auto store = ResultStore::open(db);
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(store->count_runs().value(), 1);
}

TEST_F(StoreFaults, AGarbageFileIsRefusedNotOverwritten) {
    const auto db = *dir_ / "garbage.sqlite";
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 251));
    { std::ofstream(db, std::ios::binary) << garbage; }

    auto store = ResultStore::open(db);
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.error().message.find(db.string()), std::string::npos) << store.error().message;
    EXPECT_NE(store.error().message.find("file is not a database"), std::string::npos)
        << store.error().message;

    const auto r = import(db);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("file is not a database"), std::string::npos) << r.err;
    EXPECT_EQ(read_text(db), garbage) << "the damaged file was modified";
}

TEST_F(StoreFaults, ADatabaseCutInHalfIsReportedAsCorrupt) {
    const auto good = *dir_ / "good.sqlite";
    ASSERT_EQ(import(good).exit_code, 0);
    const std::string bytes = read_text(good);
    const auto cut = *dir_ / "cut.sqlite";
    { std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2); }

    auto store = ResultStore::open(cut);
    std::string message;
    if (!store.ok()) {
        message = store.error().message;
    } else {
        auto runs = store->load_runs();
        ASSERT_FALSE(runs.ok()) << "a half database loaded without error";
        message = runs.error().message;
    }
    EXPECT_NE(message.find(cut.string()), std::string::npos) << message;
    EXPECT_NE(message.find("malformed"), std::string::npos) << message;
}

}  // namespace
}  // namespace biomedq::test
