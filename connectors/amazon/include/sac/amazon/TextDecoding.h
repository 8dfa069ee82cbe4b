#pragma once

#include <string>
#include <string_view>

namespace sac::amazon {

/// Which encoding decodeToUtf8() recognised.
enum class SourceEncoding { Utf8, Utf8WithBom, Windows1252 };

/// True if `bytes` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view bytes);

/// Decodes windows-1252 bytes to UTF-8 (0x80–0x9F mapped with the full Microsoft table;
/// the five undefined positions 0x81, 0x8D, 0x8F, 0x90, 0x9D become U+FFFD).
std::string windows1252ToUtf8(std::string_view bytes);

/// Decodes ISO-8859-1 bytes to UTF-8 (every byte is the code point of the same value).
std::string latin1ToUtf8(std::string_view bytes);

/// Decodes ISO-8859-15 bytes to UTF-8.
std::string latin9ToUtf8(std::string_view bytes);

/// Report files are UTF-8 (possibly with a BOM) or windows-1252. Returns UTF-8 without a BOM;
/// `detected`, if given, receives what was recognised. Pure, thread-safe.
std::string decodeToUtf8(std::string_view bytes, SourceEncoding* detected = nullptr);

/// Appends the UTF-8 form of code point `cp` (invalid code points become U+FFFD).
void appendUtf8(std::string& out, char32_t cp);

/// Reads the code point starting at s[i] and returns it, setting `len` to its length in
/// bytes (at least 1). A byte that starts no well-formed sequence reads as U+FFFD, length 1.
char32_t readUtf8(std::string_view s, std::size_t i, std::size_t& len);

/// Lower-cases UTF-8 text for comparisons: ASCII, Latin-1, Latin Extended-A ("Ł" → "ł",
/// "İ" → "i") and basic Cyrillic letters; every other byte is copied unchanged.
std::string foldCaseUtf8(std::string_view s);

} // namespace sac::amazon
