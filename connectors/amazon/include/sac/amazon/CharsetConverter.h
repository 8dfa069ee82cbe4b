#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <iconv.h>

namespace sac::amazon {

/// The iconv(3) name for a MIME charset label, or nullopt when the label cannot name a
/// charset (empty, longer than 40 bytes, or holding a byte other than letters, digits and
/// "-_.:+()"; in particular no "/", so no iconv option such as "//TRANSLIT" gets through).
///
/// Labels are case-insensitive, surrounding blanks and quotes are ignored, and the labels
/// of the WHATWG Encoding Standard (what mail and web clients accept) are mapped to the
/// superset those clients decode with: "shift_jis", "x-sjis", "ms_kanji" → CP932;
/// "euc-kr", "ks_c_5601-1987", "korean" → CP949; "gb2312", "gbk", "x-gbk", "cp936" →
/// GB18030; "big5", "x-x-big5" → BIG5-HKSCS; "iso-8859-8-i" → ISO-8859-8; "euc-jp",
/// "x-euc-jp" → EUC-JP-MS; "iso-2022-jp" stays ISO-2022-JP. Any other label is passed on
/// upper-cased, so every charset the C library knows works. Pure, thread-safe.
std::optional<std::string> iconvNameForCharset(std::string_view label);

/// What one conversion produced.
struct ConversionResult {
    std::string text;          ///< UTF-8 (always well-formed)
    std::size_t replaced = 0;  ///< invalid or truncated input sequences; each became U+FFFD
    bool overflow = false;     ///< the output reached maxOutBytes: `text` is cut there
};

/// Converts text in one charset to UTF-8 through the C library's iconv(3) (glibc's gconv
/// modules on Debian). Owns one conversion descriptor: open() acquires it, the destructor
/// releases it (iconv_close). Movable, not copyable; one object is for one thread at a
/// time (different objects may be used concurrently).
class CharsetConverter {
public:
    /// Opens a converter from `iconvName` (as given by iconvNameForCharset()) to UTF-8;
    /// nullopt when the C library knows no such charset.
    static std::optional<CharsetConverter> open(const std::string& iconvName);

    /// Converts `bytes` from the beginning (the conversion state is reset first), producing
    /// at most `maxOutBytes` bytes of UTF-8. An invalid or incomplete sequence becomes
    /// U+FFFD and conversion goes on `unit` bytes further (1, or 2 for a text made only of
    /// two-byte characters). Linear in the input; never throws for bad input (std::bad_alloc
    /// aside).
    ConversionResult toUtf8(std::string_view bytes, std::size_t maxOutBytes, std::size_t unit = 1);

    CharsetConverter(CharsetConverter&& other) noexcept;
    CharsetConverter& operator=(CharsetConverter&& other) noexcept;
    CharsetConverter(const CharsetConverter&) = delete;
    CharsetConverter& operator=(const CharsetConverter&) = delete;
    ~CharsetConverter();

private:
    explicit CharsetConverter(iconv_t cd) : _cd(cd) {}

    iconv_t _cd;
};

/// Decodes `bytes` in the charset a MIME label names (see iconvNameForCharset()) to UTF-8,
/// producing at most `maxOutBytes` bytes. ISO-2022-JP is read the way mail clients read it
/// (Microsoft's CP50220/50221): JIS X 0208 together with the NEC and IBM rows of CP932
/// ("①", "㈱"), JIS X 0201 Roman and katakana (ESC ( I, or SO/SI), a line break leaving a
/// two-byte mode; a text with other escape sequences (JIS X 0212, ISO-2022-JP-2) goes to
/// iconv's ISO-2022-JP-2. Every other charset goes through CharsetConverter (stepping over
/// two bytes after an invalid UTF-16 / UCS-2 unit, four after a UTF-32 / UCS-4 one). nullopt when
/// the label names no charset the C library knows. Thread-safe (one descriptor per call).
std::optional<ConversionResult> decodeCharset(std::string_view bytes, std::string_view label,
                                              std::size_t maxOutBytes);

} // namespace sac::amazon
