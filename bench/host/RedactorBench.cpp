// Throughput of the log redactor and field cutter on ordinary log lines and
// on inputs built to make a backtracking engine explode. Prints MB/s; a
// linear scan keeps the adversarial figures near the ordinary ones.
#include "sac/host/Redactor.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

std::string repeat(const std::string& unit, std::size_t bytes) {
    std::string s;
    s.reserve(bytes + unit.size());
    while (s.size() < bytes) s += unit;
    return s;
}

void measure(const char* name, const std::string& input, int rounds) {
    std::size_t sink = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < rounds; ++i) sink += sac::host::redactSecrets(input).size();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double mb = static_cast<double>(input.size()) * rounds / (1024.0 * 1024.0);
    std::printf("%-34s %8.1f MB/s  (%zu bytes x %d, %.3f s, %zu)\n", name, mb / s, input.size(), rounds, s, sink % 7);
}

} // namespace

int main() {
    const std::size_t mb = 1 << 20;
    measure("ordinary log lines", repeat("2026-12-06T10:00:00Z I sac: sync store 12 ok, 50 disputes, token=abc123\n", mb),
            50);
    measure("1 MB of one letter", std::string(mb, 'a'), 50);
    measure("1 MB of 'password'", repeat("password", mb), 50);
    measure("1 MB of 'x://a:'", repeat("x://a:", mb), 50);
    measure("1 MB of quoted keys", repeat("\"token\\\"", mb), 50);
    measure("1 MB of 'secret \\t '", repeat("secret \t ", mb), 50);
    measure("1 MB of 'Bearer '", repeat("Bearer ", mb), 50);
    const std::string huge(1'000'000, 'a');
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t n = 0;
    for (int i = 0; i < 1000; ++i) n += sac::host::logField(huge, 64).size();
    const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / 1000;
    std::printf("%-34s %8.2f us per call (%zu)\n", "logField of a 1 MB login name", us, n % 7);
}
