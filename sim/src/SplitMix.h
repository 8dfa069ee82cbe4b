// The simulator's deterministic generator (splitmix64): the same population
// from the same seed on every platform. Each data set draws from a stream of
// its own (its seed).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace sac::sim {

inline std::uint64_t mix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct SplitMix {
  std::uint64_t s;
  std::uint64_t next() { return mix(s++ * 0x2545F4914F6CDD1DULL); }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  std::int64_t range(std::int64_t lo, std::int64_t hi) {  // inclusive
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& a) {
    return a[below(N)];
  }
};

}  // namespace sac::sim
