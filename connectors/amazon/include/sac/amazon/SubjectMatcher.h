#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sac::amazon {

/// A 10-digit number found in a subject or body.
struct CaseIdMatch {
    std::string caseId;  ///< ten ASCII digits (full-width and Arabic-Indic digits are read as ASCII)
    bool nearCaseKeyword = false;  ///< preceded (within a few words) by "case", "caso", "Fall", "ケース", "案件", ...
};

/// Reads support-case e-mails. Pure and thread-safe.
class SubjectMatcher {
public:
    /// Removes forwarding/reply prefixes repeatedly (Fwd:, FW:, WG:, RV:, I:, TR:, Enc:, AW:,
    /// RE:, SV:, VS:, Antw:, VB:, PD:, Odp:, PŘ:, TOV:, VÁ:, İLT:, YNT:, 转发:, 轉寄:, 回复:,
    /// 転送:, 返信:, 전달:, 회신:, ..., also "Fwd[2]:" and the full-width colon "："),
    /// case-insensitively, together with leading bracketed tags without digits such as
    /// "[EXTERNAL]". "[CASE 1234567890]" is kept.
    static std::string stripPrefixes(std::string_view subject);

    /// Every 10-digit number standing alone, in order of appearance, without duplicates.
    /// `text` is UTF-8. A number stands alone when it is not part of a longer run of digits
    /// and touches no letter of a script written with blanks between words ("abc1234567890"
    /// is no id); ideographs, kana and hangul do not glue ("案件番号1234567890",
    /// "ケースID：1234567890" are ids). Full-width (０-９) and Arabic-Indic digits count as
    /// digits and come out as ASCII. Case keywords in English, Portuguese, Spanish, French,
    /// Italian, German, Dutch, Swedish, Polish, Czech, Hungarian, Turkish, Arabic, Hindi,
    /// Japanese, Chinese and Korean set nearCaseKeyword. The caller confirms each number
    /// against the cases it knows; nothing here guesses which one is meant.
    static std::vector<CaseIdMatch> findCaseIds(std::string_view text);
};

/// True if `address` ("x@amazon.de", "Name <x@sellercentral.amazon.com>") belongs to an
/// Amazon domain: amazon.com, amazon.<marketplace suffix> (co.uk, com.br, com.mx, de, ...),
/// amazonsellerservices.com, sell.amazon.com — the exact domain or a subdomain of it.
/// Lookalikes (amazon.com.evil.net, notamazon.com, amazon-support.com) are false.
bool isAmazonSender(std::string_view address);

} // namespace sac::amazon
