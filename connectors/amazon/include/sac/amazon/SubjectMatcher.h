#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sac::amazon {

/// A 10-digit number found in a subject or body.
struct CaseIdMatch {
    std::string caseId;
    bool nearCaseKeyword = false;  ///< preceded (within a few words) by "case", "caso", "Fall", "cas", ...
};

/// Reads support-case e-mails. Pure and thread-safe.
class SubjectMatcher {
public:
    /// Removes forwarding/reply prefixes repeatedly (Fwd:, FW:, WG:, RV:, I:, TR:, Enc:, AW:,
    /// RE:, SV:, VS:, Antw:, also "Fwd[2]:"), case-insensitively, together with leading
    /// bracketed tags without digits such as "[EXTERNAL]". "[CASE 1234567890]" is kept.
    static std::string stripPrefixes(std::string_view subject);

    /// Every 10-digit number standing alone (not part of a longer run of digits or glued to
    /// letters), in order of appearance, without duplicates. The caller confirms each against
    /// the cases it knows; nothing here guesses which one is meant.
    static std::vector<CaseIdMatch> findCaseIds(std::string_view text);
};

/// True if `address` ("x@amazon.de", "Name <x@sellercentral.amazon.com>") belongs to an
/// Amazon domain: amazon.com, amazon.<marketplace suffix> (co.uk, com.br, com.mx, de, ...),
/// amazonsellerservices.com, sell.amazon.com — the exact domain or a subdomain of it.
/// Lookalikes (amazon.com.evil.net, notamazon.com, amazon-support.com) are false.
bool isAmazonSender(std::string_view address);

} // namespace sac::amazon
