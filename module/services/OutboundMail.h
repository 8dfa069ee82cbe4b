// Outbound e-mail as bytes: addresses, RFC 2047 header words, quoted-printable
// bodies and the whole RFC 5322 message (multipart/alternative: a text/plain
// part, then a text/html part). Pure functions except newMessageId() and
// newBoundary() (random); thread-safe.
//
// Every header value is written on one line with control characters removed,
// and non-ASCII or special text is an encoded word (=?UTF-8?B?...?=), so no
// value from a marketplace, a buyer or a user can add a header or a part.
// Bodies are UTF-8 in quoted-printable: the message is 7-bit, its lines at
// most 76 characters, with CRLF line ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sac::services {

/// A mailbox: an optional display name and an address.
struct MailAddress {
    std::string name;    ///< UTF-8, may be empty
    std::string address; ///< local@domain
};

/// True for local@domain of at most 254 bytes: printable ASCII without
/// spaces, quotes, angle brackets, commas, semicolons or backslashes, one @
/// with text on both sides and a dot-free-or-dotted domain without empty
/// labels. (A deliberately narrow subset of RFC 5321 addresses.)
bool plausibleAddress(std::string_view address);

/// "Name <local@domain>", "<local@domain>" or "local@domain" (surrounding
/// blanks ignored, the name may be quoted); nullopt when the address is not
/// plausible or the text has control characters or is over 512 bytes.
std::optional<MailAddress> parseMailbox(std::string_view text);

/// text as an unstructured header value: as is when it is printable ASCII
/// without "=?", else RFC 2047 encoded words (UTF-8, base64) of at most 75
/// characters, whole characters per word, folded with CRLF + space. Control
/// characters become spaces first.
std::string encodeHeaderText(std::string_view utf8);

/// A mailbox for From:/To: ("=?UTF-8?B?...?= <a@b>" or "a@b").
std::string formatMailbox(const MailAddress& a);

/// UTF-8 text in quoted-printable (RFC 2045): LF or CRLF become CRLF (hard
/// line breaks), lines are cut with soft breaks at 76 characters, never inside
/// an escape.
std::string quotedPrintable(std::string_view utf8);

/// "Sat, 06 Dec 2025 11:57:14 +0000".
std::string rfc5322Date(std::int64_t utcMs);

/// "<32 random hex digits@domain>" (domain of the sender's address).
std::string newMessageId(std::string_view domain);
/// A random multipart boundary that cannot occur in quoted-printable text.
std::string newBoundary();

/// The parts of one e-mail.
struct MailContent {
    std::string subject; ///< UTF-8, one line
    std::string text;    ///< text/plain body, UTF-8
    std::string html;    ///< text/html body, UTF-8 (a whole document)
};

/// Who and when.
struct MailHeaders {
    MailAddress from;
    MailAddress to;
    std::int64_t dateMs = 0;
    std::string messageId; ///< with its angle brackets
};

/// The message: Date, From, To, Subject, Message-ID, MIME-Version,
/// Auto-Submitted: auto-generated, then multipart/alternative with the text
/// part first and the HTML part last (the one clients prefer). CRLF line
/// ends; ends with CRLF.
std::string composeMessage(const MailHeaders& headers, const MailContent& content, const std::string& boundary);

} // namespace sac::services
