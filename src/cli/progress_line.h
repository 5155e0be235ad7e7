// Progress lines on stderr for long single passes (fidelity, imatrix): at most one every few
// seconds, plus the last, with elapsed time and an estimate of what is left.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace biomedq::cli {

// A callback for FidelityOptions/ImatrixOptions::on_progress that prints
// "<command>: <pass> 12/40 chunks, 31 s elapsed, ETA 72 s" to stderr.
std::function<void(const std::string& pass, std::size_t done, std::size_t total)> progress_printer(
    std::string command, double interval_s = 5.0);

}  // namespace biomedq::cli
