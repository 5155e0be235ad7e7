#include "core/cpu_features.h"

#include <cstdint>
#include <cstdlib>
#include <sstream>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define BIOMEDQ_X86 1
#endif

namespace biomedq {
namespace {

#ifdef BIOMEDQ_X86
enum Reg { kEax, kEbx, kEcx, kEdx };
enum class OsState { kNone, kAvx, kAvx512, kAmx };

struct FeatureBit {
    std::string_view name;
    unsigned leaf;
    unsigned subleaf;
    Reg reg;
    unsigned bit;
    OsState os_state;
};

// CPUID bit positions from the Intel SDM / AMD APM, named as -march=native's macros name them.
constexpr FeatureBit kFeatureBits[] = {
    {"sse4.2", 1, 0, kEcx, 20, OsState::kNone},
    {"popcnt", 1, 0, kEcx, 23, OsState::kNone},
    {"fma", 1, 0, kEcx, 12, OsState::kAvx},
    {"avx", 1, 0, kEcx, 28, OsState::kAvx},
    {"f16c", 1, 0, kEcx, 29, OsState::kAvx},
    {"bmi", 7, 0, kEbx, 3, OsState::kNone},
    {"avx2", 7, 0, kEbx, 5, OsState::kAvx},
    {"bmi2", 7, 0, kEbx, 8, OsState::kNone},
    {"avx512f", 7, 0, kEbx, 16, OsState::kAvx512},
    {"avx512dq", 7, 0, kEbx, 17, OsState::kAvx512},
    {"avx512ifma", 7, 0, kEbx, 21, OsState::kAvx512},
    {"avx512cd", 7, 0, kEbx, 28, OsState::kAvx512},
    {"avx512bw", 7, 0, kEbx, 30, OsState::kAvx512},
    {"avx512vl", 7, 0, kEbx, 31, OsState::kAvx512},
    {"avx512vbmi", 7, 0, kEcx, 1, OsState::kAvx512},
    {"avx512vbmi2", 7, 0, kEcx, 6, OsState::kAvx512},
    {"gfni", 7, 0, kEcx, 8, OsState::kNone},
    {"vpclmulqdq", 7, 0, kEcx, 10, OsState::kAvx},
    {"avx512vnni", 7, 0, kEcx, 11, OsState::kAvx512},
    {"avx512bitalg", 7, 0, kEcx, 12, OsState::kAvx512},
    {"avx512vpopcntdq", 7, 0, kEcx, 14, OsState::kAvx512},
    {"avx512vp2intersect", 7, 0, kEdx, 8, OsState::kAvx512},
    {"amx.bf16", 7, 0, kEdx, 22, OsState::kAmx},
    {"avx512fp16", 7, 0, kEdx, 23, OsState::kAvx512},
    {"amx.tile", 7, 0, kEdx, 24, OsState::kAmx},
    {"amx.int8", 7, 0, kEdx, 25, OsState::kAmx},
    {"avxvnni", 7, 1, kEax, 4, OsState::kAvx},
    {"avx512bf16", 7, 1, kEax, 5, OsState::kAvx512},
};

bool cpuid_bit(unsigned leaf, unsigned subleaf, Reg reg, unsigned bit) {
    unsigned regs[4] = {0, 0, 0, 0};
    if (static_cast<unsigned>(__get_cpuid_max(0, nullptr)) < leaf) return false;
    __cpuid_count(leaf, subleaf, regs[kEax], regs[kEbx], regs[kEcx], regs[kEdx]);
    return (regs[reg] >> bit) & 1u;
}

// The register state the OS saves on a context switch (XCR0); without it the instructions fault
// even where CPUID lists them.
uint64_t os_saved_state() {
    if (!cpuid_bit(1, 0, kEcx, 27)) return 0;  // OSXSAVE: XGETBV is usable
    uint32_t lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<uint64_t>(hi) << 32) | lo;
}

bool os_supports(OsState state) {
    constexpr uint64_t kSseAvx = 0x6, kAvx512 = 0xe0, kAmxTiles = 0x60000;
    switch (state) {
        case OsState::kNone:
            return true;
        case OsState::kAvx:
            return (os_saved_state() & kSseAvx) == kSseAvx;
        case OsState::kAvx512:
            return (os_saved_state() & (kSseAvx | kAvx512)) == (kSseAvx | kAvx512);
        case OsState::kAmx:
            return (os_saved_state() & kAmxTiles) == kAmxTiles;
    }
    return false;
}
#endif

}  // namespace

std::optional<bool> cpu_supports(std::string_view feature) {
#ifdef BIOMEDQ_X86
    for (const FeatureBit& f : kFeatureBits) {
        if (f.name == feature) {
            return cpuid_bit(f.leaf, f.subleaf, f.reg, f.bit) && os_supports(f.os_state);
        }
    }
#else
    (void)feature;
#endif
    return std::nullopt;
}

std::vector<std::string> missing_cpu_features(std::string_view required,
                                              const FeatureProbe& supports) {
    std::vector<std::string> missing;
    std::istringstream words{std::string(required)};
    for (std::string name; words >> name;) {
        const std::optional<bool> present = supports(name);
        if (present.has_value() && !*present) missing.push_back(name);
    }
    return missing;
}

Status check_cpu_has(std::string_view required, const std::string& what_needs_them) {
    const char* lacks_env = std::getenv("BIOMEDQ_TEST_CPU_LACKS");
    const std::string pretend_absent = lacks_env ? std::string(" ") + lacks_env + " " : "";
    const FeatureProbe probe = [&](std::string_view name) -> std::optional<bool> {
        if (pretend_absent.find(" " + std::string(name) + " ") != std::string::npos) return false;
        return cpu_supports(name);
    };
    const std::vector<std::string> missing = missing_cpu_features(required, probe);
    if (missing.empty()) return Status::success();
    std::string names;
    for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
    return make_error(ErrorCode::kUnsupported,
                      "this CPU lacks " + names + ", which " + what_needs_them +
                          " was compiled for (-march=native on the machine that built it). Build "
                          "biomedq on this machine (bash scripts/build.sh) instead of copying the "
                          "binary or its llama.cpp cache.");
}

}  // namespace biomedq
