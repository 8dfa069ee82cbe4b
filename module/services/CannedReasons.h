// Canned refusal reasons (decision 0038): texts an account's admins keep per
// cause and language on /sac/settings/reasons, that sellers choose in "Lide
// com" and in bulk handling instead of typing the reason of a refusal.
//
// A reason is validated as a whole on save, every refused field named:
//   cause     the dispute's cause exactly as the cases hold it (the cause
//             filter's value), "" = any cause; at most kCauseMaxBytes of
//             UTF-8 without control characters;
//   language  one of cannedLanguages() ("pt-BR", "en", "es", "fr", "it");
//   title     1..kTitleMax characters;
//   text      DisputeHandlingService::kReasonMin..kReasonMax characters (the
//             refusal reason's bounds), and checked by domain::lintOffPlatform:
//             a finding refuses the save (field "text",
//             "canned.error.off_platform", "{found}" names them), unless the
//             account's ProtocolSettings::offPlatform is Warn: then it is
//             saved and the findings come back as a warning.
// Values are trimmed; an account keeps at most kMaxPerAccount reasons.
// Thread-safe: each call acquires its own connection.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/CannedReason.h"
#include "domain/OffPlatformLint.h"
#include "services/Actor.h"
#include "services/ProtocolSettings.h"

namespace sac::services {

/// The languages a canned reason may be written in, as tags ("pt-BR" first).
const std::vector<std::string>& cannedLanguages();

/// The reason form as typed.
struct CannedReasonForm {
    std::string cause, language, title, text;
};

struct CannedReasonCheck {
    domain::CannedReason reason; ///< the form's values, trimmed (ids and times unset)
    /// (form field, catalog key) for each refused value; empty = valid.
    std::vector<std::pair<std::string, std::string>> errors;
    /// What the text would take off the marketplace (an error, or a warning
    /// when warned is set).
    std::vector<domain::OffPlatformFinding> offPlatform;
    bool warned = false; ///< findings only warned about: the reason may be saved
    bool ok() const { return errors.empty(); }
};

/// Checks the form (pure; see the header comment). offPlatform is the
/// account's setting.
CannedReasonCheck checkCannedReason(const CannedReasonForm& form, CheckMode offPlatform);

enum class CannedSaveCode { Saved, Invalid, NotFound, TooMany };

struct CannedSaveOutcome {
    CannedSaveCode code = CannedSaveCode::Saved;
    CannedReasonCheck check;
    std::int64_t id = 0; ///< the reason saved
};

/// What "Lide com" offers for a dispute: the reasons of its cause and of any
/// cause, in the seller's language; when there is none in it, those of every
/// language (allLanguages set: the choices then show their language tag).
/// The dispute's own cause first, then by title.
struct CannedChoices {
    std::vector<domain::CannedReason> reasons;
    bool allLanguages = false;
};
CannedChoices cannedChoices(const std::vector<domain::CannedReason>& all, const std::string& cause,
                            std::string_view locale);

class CannedReasonService {
public:
    static constexpr std::size_t kMaxPerAccount = 200;
    static constexpr std::size_t kTitleMax = 120;
    static constexpr std::size_t kCauseMaxBytes = 500;

    /// db must outlive the service; clock gives UTC epoch milliseconds.
    CannedReasonService(sql::Database& db, std::function<std::int64_t()> clock)
        : _db(db), _clock(std::move(clock)) {}

    /// The account's reasons, in the order they were made.
    std::vector<domain::CannedReason> list(const Actor& actor);
    std::optional<domain::CannedReason> find(const Actor& actor, std::int64_t id);
    /// Checked with the account's off-platform setting, then saved.
    CannedSaveOutcome create(const Actor& actor, const CannedReasonForm& form);
    CannedSaveOutcome update(const Actor& actor, std::int64_t id, const CannedReasonForm& form);
    /// False when the reason is not in the actor's account.
    bool remove(const Actor& actor, std::int64_t id);

private:
    sql::Database& _db;
    std::function<std::int64_t()> _clock;
};

} // namespace sac::services
