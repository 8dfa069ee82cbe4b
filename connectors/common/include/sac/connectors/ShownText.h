#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sac::connectors {

/// How many bytes of a marketplace's own text a user may see in one message.
inline constexpr std::size_t kShownTextBytes = 300;

/// Text that came from a marketplace (an error message, a refusal reason), made fit to be
/// shown to a user: valid UTF-8 (invalid bytes become U+FFFD), control, line-separator and
/// bidirectional-override characters become spaces, runs of blanks collapse to one, and the
/// result is at most `maxBytes` bytes, cut at a character boundary and ended with "…" when
/// something was left out. Linear in the input; reads at most 64 KiB of it.
/// Escaping for HTML or JSON stays the caller's (templates and JSON writers do it).
std::string shownText(std::string_view untrusted, std::size_t maxBytes = kShownTextBytes);

} // namespace sac::connectors
