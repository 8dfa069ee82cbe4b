#include "services/CannedReasons.h"

#include <algorithm>
#include <cctype>

#include "services/DisputeHandlingService.h"
#include "services/FormChecks.h"
#include "storage/CannedReasonRepository.h"

namespace sac::services {
namespace {

bool hasControl(std::string_view s, bool newlinesAllowed) {
    return std::any_of(s.begin(), s.end(), [newlinesAllowed](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        if (newlinesAllowed && (c == '\n' || c == '\r' || c == '\t')) return false;
        return c < 0x20 || c == 0x7f;
    });
}

std::string lowerAscii(std::string_view s) {
    std::string out(s);
    for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

/// "pt-BR" and "pt-br" are one tag; "en-US" speaks "en".
bool sameLanguage(std::string_view tag, std::string_view locale) {
    const std::string a = lowerAscii(tag), b = lowerAscii(locale);
    if (a == b) return true;
    return a.substr(0, a.find('-')) == b.substr(0, b.find('-')) && (a.find('-') == std::string::npos ||
                                                                    b.find('-') == std::string::npos);
}

} // namespace

const std::vector<std::string>& cannedLanguages() {
    static const std::vector<std::string> tags{"pt-BR", "en", "es", "fr", "it"};
    return tags;
}

CannedReasonCheck checkCannedReason(const CannedReasonForm& form, CheckMode offPlatform) {
    CannedReasonCheck out;
    auto& r = out.reason;
    r.cause = trimmed(form.cause);
    r.language = trimmed(form.language);
    r.title = trimmed(form.title);
    r.text = trimmed(form.text);

    if (r.cause.size() > CannedReasonService::kCauseMaxBytes || !utf8Length(r.cause) || hasControl(r.cause, false))
        out.errors.emplace_back("cause", "canned.error.cause");
    const auto& tags = cannedLanguages();
    if (std::find(tags.begin(), tags.end(), r.language) == tags.end())
        out.errors.emplace_back("language", "canned.error.language");
    const auto titleLength = utf8Length(r.title);
    if (!titleLength || *titleLength == 0 || *titleLength > CannedReasonService::kTitleMax || hasControl(r.title, false))
        out.errors.emplace_back("title", "canned.error.title");
    const auto textLength = utf8Length(r.text);
    if (!textLength || *textLength < DisputeHandlingService::kReasonMin ||
        *textLength > DisputeHandlingService::kReasonMax || hasControl(r.text, true)) {
        out.errors.emplace_back("text", "canned.error.text_length");
    } else {
        // The same check as the refusal it will be sent in: what the
        // marketplace cannot see loses the seller the dispute.
        out.offPlatform = domain::lintOffPlatform(r.text);
        if (!out.offPlatform.empty()) {
            if (offPlatform == CheckMode::Block) out.errors.emplace_back("text", "canned.error.off_platform");
            else out.warned = true;
        }
    }
    if (!out.ok()) out.warned = false;
    return out;
}

CannedChoices cannedChoices(const std::vector<domain::CannedReason>& all, const std::string& cause,
                            std::string_view locale) {
    CannedChoices out;
    std::vector<domain::CannedReason> fitting;
    for (const auto& r : all)
        if (r.cause.empty() || r.cause == cause) fitting.push_back(r);
    for (const auto& r : fitting)
        if (sameLanguage(r.language, locale)) out.reasons.push_back(r);
    if (out.reasons.empty() && !fitting.empty()) {
        out.reasons = std::move(fitting);
        out.allLanguages = true;
    }
    std::stable_sort(out.reasons.begin(), out.reasons.end(), [](const auto& a, const auto& b) {
        if (a.cause.empty() != b.cause.empty()) return !a.cause.empty();
        return a.title < b.title;
    });
    return out;
}

std::vector<domain::CannedReason> CannedReasonService::list(const Actor& actor) {
    auto conn = _db.acquire();
    return storage::CannedReasonRepository(*conn).list(actor.accountId, kMaxPerAccount);
}

std::optional<domain::CannedReason> CannedReasonService::find(const Actor& actor, std::int64_t id) {
    auto conn = _db.acquire();
    return storage::CannedReasonRepository(*conn).find(id, actor.accountId);
}

CannedSaveOutcome CannedReasonService::create(const Actor& actor, const CannedReasonForm& form) {
    CannedSaveOutcome out;
    auto conn = _db.acquire();
    out.check = checkCannedReason(form, loadProtocolSettings(*conn, actor.accountId).offPlatform);
    if (!out.check.ok()) {
        out.code = CannedSaveCode::Invalid;
        return out;
    }
    storage::CannedReasonRepository repo(*conn);
    sql::Transaction tx(*conn);
    if (repo.count(actor.accountId) >= static_cast<std::int64_t>(kMaxPerAccount)) {
        out.code = CannedSaveCode::TooMany;
        out.check.errors.emplace_back("", "canned.error.too_many");
        return out;
    }
    domain::CannedReason r = out.check.reason;
    r.accountId = actor.accountId;
    r.createdAt = r.updatedAt = _clock();
    r.updatedByUserId = actor.userId;
    out.id = repo.insert(r);
    tx.commit();
    return out;
}

CannedSaveOutcome CannedReasonService::update(const Actor& actor, std::int64_t id, const CannedReasonForm& form) {
    CannedSaveOutcome out;
    auto conn = _db.acquire();
    out.check = checkCannedReason(form, loadProtocolSettings(*conn, actor.accountId).offPlatform);
    storage::CannedReasonRepository repo(*conn);
    if (!repo.find(id, actor.accountId)) {
        out.code = CannedSaveCode::NotFound;
        return out;
    }
    if (!out.check.ok()) {
        out.code = CannedSaveCode::Invalid;
        return out;
    }
    domain::CannedReason r = out.check.reason;
    r.id = id;
    r.accountId = actor.accountId;
    r.updatedAt = _clock();
    r.updatedByUserId = actor.userId;
    if (!repo.update(r)) out.code = CannedSaveCode::NotFound;
    out.id = id;
    return out;
}

bool CannedReasonService::remove(const Actor& actor, std::int64_t id) {
    auto conn = _db.acquire();
    return storage::CannedReasonRepository(*conn).remove(id, actor.accountId);
}

} // namespace sac::services
