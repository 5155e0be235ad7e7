// `sweep --dry-run --gpu-memory`: each cell's memory from llama.cpp's simulation where its file
// exists, labelled "estimate" where it does not, and the --parallel auto choice per cell (issue
// 15).
#include "e2e/e2e_support.h"

namespace biomedq::test {
namespace {

std::string line_of(const std::string& text, const std::string& start) {
    const auto at = text.find("\n" + start);
    if (at == std::string::npos) return {};
    return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
}

TEST(SweepDryRunE2E, SimulatedWhereTheFileExistsEstimatedWhereNot) {
    const auto dir = make_temp_dir("sweep_dry_run");
    std::ofstream(dir / "grid.yaml")
        << "models:\n  - {name: tiny, path: " << tiny_model_path().string()
        << "}\nquant_types: [q8_0]\ntasks: [pubmedqa]\nctx: 512\nparallel: auto\n"
           "fidelity: false\nout: out\n";
    auto r = run_command({biomedq_binary().string(), "sweep", (dir / "grid.yaml").string(),
                          "--dry-run", "--gpu-memory", "1GiB"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string f16 = line_of(r.out, "tiny-F16-zero-shot");
    const std::string q8 = line_of(r.out, "tiny-Q8_0-zero-shot");
    ASSERT_FALSE(f16.empty()) << r.out;
    ASSERT_FALSE(q8.empty()) << r.out;
    EXPECT_NE(f16.find(" simulation "), std::string::npos) << f16;
    EXPECT_NE(f16.find(" simulation    64 "), std::string::npos)
        << f16;  // the tiny model: auto reaches its cap
    EXPECT_NE(f16.find("  fits "), std::string::npos) << f16;
    EXPECT_NE(q8.find(" estimate "), std::string::npos) << q8;
    EXPECT_NE(q8.find("not quantized yet"), std::string::npos) << q8;
    EXPECT_NE(r.out.find("1 cell(s): not quantized yet"), std::string::npos) << r.out;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace biomedq::test
