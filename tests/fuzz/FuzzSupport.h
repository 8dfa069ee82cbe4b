// Shared helpers of the fuzz targets. Each target defines LLVMFuzzerTestOneInput; clang
// builds link it with libFuzzer (SAC_FUZZ=ON), every other build links it with
// FuzzReplayMain.cpp, which feeds it the files of its corpus and regression folders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace sac::fuzz {

inline std::string_view bytes(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Splits at the first '\n': (text before, text after). Without a '\n': (input, "").
inline std::pair<std::string_view, std::string_view> splitFirstLine(std::string_view in) {
    const auto nl = in.find('\n');
    if (nl == std::string_view::npos) return {in, {}};
    return {in.substr(0, nl), in.substr(nl + 1)};
}

/// Structural checks of a target: a broken contract is a crash, which libFuzzer keeps
/// as an artifact and the replay test reports as a failure.
[[noreturn]] inline void contractBroken(const char* what, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: contract broken: %s\n", file, line, what);
    std::abort();
}

} // namespace sac::fuzz

#define SAC_FUZZ_CHECK(cond) \
    do { \
        if (!(cond)) ::sac::fuzz::contractBroken(#cond, __FILE__, __LINE__); \
    } while (false)
