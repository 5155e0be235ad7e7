// A fixture for sweep.yaml tests: a sweep file's folder (dir_) holding an (empty) model file
// m.gguf, so path checks pass where they should.
#pragma once

#include <fstream>
#include <string>
#include <utility>

#include "biomedq/sweep.h"
#include "support/temp_dir_test.h"

namespace biomedq::test {

class SweepFileTest : public TempDirTest {
protected:
    explicit SweepFileTest(std::string prefix) : TempDirTest(std::move(prefix)) {}
    void SetUp() override {
        TempDirTest::SetUp();
        std::ofstream(dir_ / "m.gguf") << "x";
    }
    // Parses `yaml` as if read from dir_/sweep.yaml.
    Result<SweepSpec> parse_yaml(const std::string& yaml) {
        return parse_sweep_yaml(yaml, dir_ / "sweep.yaml");
    }
};

}  // namespace biomedq::test
