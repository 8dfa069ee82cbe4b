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
};

struct MailLimits {
    std::size_t maxBytes = 10u << 20;  ///< 10 MiB
    int maxDepth = 10;                 ///< nested multiparts
    std::size_t maxParts = 500;
};

/// A parsed RFC 5322 / MIME message. All text is UTF-8.
///
/// Supported charsets: UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15 and windows-1252 (aliases
/// included); others are an error, as are oversized input, a missing header, multiparts
/// without a usable boundary, undecodable base64 and unknown transfer encodings.
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
    std::vector<std::pair<std::string, std::string>> headers;  ///< top-level, unfolded, values decoded

    /// First header with this name (case-insensitive).
    std::optional<std::string> header(std::string_view name) const;

    static connectors::Result<MailMessage> parse(std::string_view raw, const MailLimits& limits = {});
};

/// Decodes RFC 2047 encoded words ("=?UTF-8?B?...?=", "=?iso-8859-1?Q?...?=") in a header
/// value; raw 8-bit text is read as UTF-8 or windows-1252. Unknown charsets are Malformed.
connectors::Result<std::string> decodeHeaderValue(std::string_view value);

/// Converts bytes in `charset` to UTF-8 (supported charsets as above); Malformed otherwise.
connectors::Result<std::string> charsetToUtf8(std::string_view bytes, std::string_view charset);

/// Parses the first mailbox of an address header ("Name <a@b>", "a@b (Name)", "a@b").
MailAddress parseMailAddress(std::string_view decodedValue);

/// Finds forwarded-message blocks in a plain-text body (Gmail, Outlook, Apple Mail,
/// Thunderbird; English, Portuguese, Spanish, German, French and Italian labels).
std::vector<ForwardedMessage> findForwardedSections(std::string_view text);

} // namespace sac::amazon
