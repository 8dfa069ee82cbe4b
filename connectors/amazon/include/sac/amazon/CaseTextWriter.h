#pragma once

#include "sac/amazon/ClaimDetector.h"
#include "sac/connectors/Result.h"

#include <string>
#include <string_view>

namespace sac::amazon {

/// Plain text (never HTML) a seller pastes into a Seller Central support case.
struct CaseText {
    std::string subject;
    std::string body;
};

/// Writes case texts for claim candidates in en, de, es, it, fr and pt, and builds case URLs.
/// Pure and thread-safe. Dates are written as YYYY-MM-DD (UTC).
class CaseTextWriter {
public:
    /// `language` is a BCP 47 tag or prefix ("pt-BR", "de", "EN"); unknown languages fall back to English.
    static CaseText write(const ClaimCandidate& candidate, std::string_view language);

    /// The languages write() knows: {"en", "de", "es", "it", "fr", "pt"}.
    static const std::vector<std::string>& languages();

    /// True for exactly ten ASCII digits.
    static bool isValidCaseId(std::string_view caseId);

    /// https://sellercentral.amazon.<tld>/cu/case-dashboard/view-case?caseID=<id>.
    /// `tld` is the marketplace domain suffix ("com", "co.uk", "com.br", "de", ...; a leading
    /// "amazon." or "." is accepted). Rejected for an invalid case id or an unknown suffix.
    static connectors::Result<std::string> caseUrl(std::string_view tld, std::string_view caseId);
};

/// The domain suffixes of Amazon marketplaces ("com", "ca", "com.mx", "com.br", "co.uk", "de", ...).
const std::vector<std::string>& amazonMarketplaceSuffixes();

} // namespace sac::amazon
