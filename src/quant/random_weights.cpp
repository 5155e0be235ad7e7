#include "quant/random_weights.h"

#include <cmath>
#include <numbers>

namespace biomedq {

namespace {

uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

FastRng::FastRng(uint64_t seed) {
    uint64_t state = seed;
    for (auto& word : s_) word = splitmix64(state);
}

uint64_t FastRng::next() {
    const uint64_t result = s_[0] + s_[3];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double FastRng::uniform() {
    // 53 high bits -> [0, 1), shifted to (0, 1] so log() below never sees 0.
    return (static_cast<double>(next() >> 11) + 1.0) * 0x1.0p-53;
}

uint64_t mix_seed(uint64_t seed, uint64_t a, uint64_t b) {
    uint64_t state = seed ^ (a * 0xd1b54a32d192ed03ULL) ^ (b * 0x8cb92ba72f3d8dd7ULL);
    return splitmix64(state);
}

void fill_normal(FastRng& rng, float stddev, std::span<float> out) {
    const double two_pi = 2.0 * std::numbers::pi;
    std::size_t i = 0;
    for (; i + 1 < out.size(); i += 2) {
        const double radius = stddev * std::sqrt(-2.0 * std::log(rng.uniform()));
        const double angle = two_pi * rng.uniform();
        out[i] = static_cast<float>(radius * std::cos(angle));
        out[i + 1] = static_cast<float>(radius * std::sin(angle));
    }
    if (i < out.size()) {
        const double radius = stddev * std::sqrt(-2.0 * std::log(rng.uniform()));
        out[i] = static_cast<float>(radius * std::cos(two_pi * rng.uniform()));
    }
}

}  // namespace biomedq
