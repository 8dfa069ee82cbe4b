#pragma once
// The simulator's opaque NextToken values: a prefix and the page's query as
// lower-case hex (internal to the simulator's Amazon services).

#include <string>

namespace sac::sim::token_text {

inline std::string hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string o;
  o.reserve(s.size() * 2);
  for (unsigned char c : s) {
    o += d[c >> 4];
    o += d[c & 15];
  }
  return o;
}

/// false when s is not lower-case hex of whole bytes.
inline bool unhex(const std::string& s, std::string* out) {
  if (s.size() % 2) return false;
  auto v = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out->clear();
  for (std::size_t i = 0; i < s.size(); i += 2) {
    const int a = v(s[i]), b = v(s[i + 1]);
    if (a < 0 || b < 0) return false;
    out->push_back(static_cast<char>(a * 16 + b));
  }
  return true;
}

}  // namespace sac::sim::token_text
