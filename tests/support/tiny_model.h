// One tiny synthetic model shared by every test in a process (and across test binaries, by path):
// synthesized once into the temp dir, reused while its size matches.
#pragma once

#include <filesystem>

namespace biomedq::test {

// Path to the tiny model, synthesizing it on first use; fails the calling test when synthesis
// fails.
std::filesystem::path tiny_model_path();

}  // namespace biomedq::test
