// A canned refusal reason: a text an account's admins keep for one cause (or
// any cause) and one language, that sellers choose instead of typing the
// reason of a refusal (decision 0038).
#pragma once

#include <cstdint>
#include <string>

namespace sac::domain {

struct CannedReason {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    /// The dispute's cause exactly as the cases hold it (the cause filter's
    /// value); "" = any cause.
    std::string cause;
    std::string language; ///< "pt-BR", "en", "es", ... (services/CannedReasons.h)
    std::string title;    ///< what the seller chooses by, 1..120 characters
    std::string text;     ///< the reason sent, kReasonMin..kReasonMax characters
    std::int64_t createdAt = 0; ///< UTC epoch milliseconds
    std::int64_t updatedAt = 0; ///< UTC epoch milliseconds
    std::int64_t updatedByUserId = 0;
};

} // namespace sac::domain
