#pragma once

#include "sac/connectors/Result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sac::amazon {

struct MailAddress {
    std::string address;      ///< "seller-support@amazon.com" (lower-cased domain, local part as written)
    std::string displayName;  ///< UTF-8, encoded words decoded; may be empty
};

/// A message forwarded inside another one (a "Forwarded message" block in the text, an
/// Outlook "From: ... Sent: ..." block, or an attached message/rfc822 part).
struct ForwardedMessage {
    MailAddress from;
    std::string subject;
    std::string date;                  ///< as written
    std::optional<std::int64_t> dateMs;  ///< UTC, when readable
    std::string body;                  ///< text following the header block
    /// The forwarded message's own Message-ID as written (a "Message-ID:" line of the
    /// forwarded block, or the header of an attached message); empty when not given.
    std::string messageId;
};

struct MailLimits {
    std::size_t maxBytes = 10u << 20;  ///< 10 MiB
    int maxDepth = 10;                 ///< nested multiparts
    std::size_t maxParts = 500;
};

/// A parsed RFC 5322 / MIME message. All text is UTF-8.
///
/// Charsets: every charset the C library's iconv knows (see charsetToUtf8()), in text
/// parts, RFC 2047 encoded words and RFC 2231 parameters. Errors: a charset iconv does not
/// know, text that is mostly invalid in its charset, oversized input, a missing header,
/// multiparts without a usable boundary, undecodable base64 and unknown transfer encodings.
/// Parsing is pure and thread-safe; it never throws for bad input.
struct MailMessage {
    MailAddress from;
    std::vector<MailAddress> to;
    std::string subject;
    std::string date;                    ///< Date header as written
    std::optional<std::int64_t> dateMs;  ///< UTC
    std::string messageId;               ///< with angle brackets, trimmed ("<abc@host>")
    std::string inReplyTo;
    std::string textBody;                ///< text/plain preferred; else HTML turned into text
    bool bodyFromHtml = false;
    std::vector<ForwardedMessage> forwarded;
    /// File names of attachments (Content-Disposition filename, else Content-Type name),
    /// decoded (RFC 2231, RFC 2047), at most 255 bytes each; parts without a name are not listed.
    std::vector<std::string> attachmentNames;
    std::vector<std::pair<std::string, std::string>> headers;  ///< top-level, unfolded, values decoded

    /// First header with this name (case-insensitive).
    std::optional<std::string> header(std::string_view name) const;

    static connectors::Result<MailMessage> parse(std::string_view raw, const MailLimits& limits = {});
};

/// Decodes RFC 2047 encoded words ("=?UTF-8?B?...?=", "=?iso-8859-1?Q?...?=",
/// "=?ISO-2022-JP?B?...?=") in a header value. Blanks between adjacent encoded words are
/// dropped, and the bytes of adjacent words in the same charset are decoded together, so a
/// character split across two words comes out whole. Raw text is read as UTF-8; when it is
/// not (8-bit bytes, or ISO-2022-JP escape sequences), as `fallbackCharset` (normally the
/// message's Content-Type charset) if that decodes it without error, else as windows-1252.
/// A charset iconv does not know, or text mostly invalid in its charset, is Malformed.
/// Linear in the input.
connectors::Result<std::string> decodeHeaderValue(std::string_view value, std::string_view fallbackCharset = {});

/// Converts bytes in `charset` to UTF-8. Labels are case-insensitive and may be quoted;
/// none, "us-ascii" and "utf-8" read UTF-8 with windows-1252 for invalid input, as do the
/// labels of unlabelled 8-bit text ("unknown-8bit", "x-unknown"); "iso-8859-1" is read as
/// windows-1252 and "iso-8859-15" directly; everything else goes through iconv with the
/// aliases of iconvNameForCharset() ("x-sjis", "ks_c_5601-1987", "gb2312", ...).
/// A few invalid sequences become U+FFFD; more than 4 that are also more than one in 64
/// input bytes make the text Malformed ("expected text in charset ..."), as do a charset
/// iconv does not know ("unsupported charset ...") and text that decodes to more than four
/// times its size plus 64 bytes.
connectors::Result<std::string> charsetToUtf8(std::string_view bytes, std::string_view charset);

/// A Content-Type or Content-Disposition value.
struct MimeHeaderValue {
    std::string value;  ///< "text/plain", "attachment" (lower-cased, trimmed)
    /// Parameters in order, names lower-cased. RFC 2231 continuations (name*0, name*1*, ...)
    /// are joined and charset'language'%XX values decoded to UTF-8 under the plain name;
    /// "name" and "filename" values also have RFC 2047 encoded words and 8-bit text decoded.
    /// Other values are kept as written (a boundary must match the body byte for byte).
    std::vector<std::pair<std::string, std::string>> params;

    /// The first parameter with this (lower-case) name; empty when absent.
    std::string param(std::string_view name) const;
};

/// Parses "type/subtype; a=b; c=\"d\"; name*=utf-8''%E6%97%A5" (at most 256 parameters, 1000
/// continuation segments each). Malformed when an RFC 2231 value names a charset iconv does
/// not know, or is mostly invalid in its charset; for "name" and "filename" (file names,
/// which decide nothing) such a value is left out instead. `fallbackCharset` as in
/// decodeHeaderValue().
connectors::Result<MimeHeaderValue> parseMimeHeaderValue(std::string_view value,
                                                        std::string_view fallbackCharset = {});

/// Parses the first mailbox of an address header ("Name <a@b>", "a@b (Name)", "a@b").
MailAddress parseMailAddress(std::string_view decodedValue);

/// Finds forwarded-message blocks in a plain-text body (Gmail, Outlook, Apple Mail,
/// Thunderbird; English, Portuguese, Spanish, German, French, Italian, Dutch, Swedish,
/// Polish, Czech, Hungarian, Turkish, Arabic, Japanese, Chinese and Korean labels, with
/// ":" or the full-width "："). A "Message-ID:" line in the block gives its messageId.
std::vector<ForwardedMessage> findForwardedSections(std::string_view text);

} // namespace sac::amazon
