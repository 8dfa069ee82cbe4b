// The Module's deadline alerts wiring: the periodic jobs (alert scan, mail
// outbox), the SMTP relay, the outbox sender and the scan, from the module's
// settings; and the host's list of an account's users.
#include <charconv>
#include <cstddef>
#include <optional>
#include <unistd.h>

#include "Module.h"
#include "web/AlertMail.h"
#include "web/Format.h"

namespace sac {
namespace {

std::optional<int> parseInt(const std::string& text, int lo, int hi) {
    int v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi) return std::nullopt;
    return v;
}

/// True when the host's table carries list_account_users (struct_size covers it) and it is set.
bool hostListsUsers(const sac_host_services* host) {
    return host->struct_size >= offsetof(sac_host_services, list_account_users) + sizeof(host->list_account_users) &&
           host->list_account_users != nullptr;
}

struct UserCollector {
    std::vector<services::AlertUser> users;
    bool overflow = false;
};

constexpr std::size_t kMaxAccountUsers = 5000;

void collectUser(void* ctx, const sac_user* u) {
    try {
        auto* c = static_cast<UserCollector*>(ctx);
        if (!u || !c) return;
        if (c->users.size() >= kMaxAccountUsers) {
            c->overflow = true;
            return;
        }
        services::AlertUser a;
        a.id = u->user_id;
        a.accountId = u->account_id;
        a.email = u->email ? u->email : "";
        a.name = u->display_name && *u->display_name ? u->display_name : (u->login ? u->login : "");
        a.locale = u->locale ? u->locale : "";
        a.role = u->role ? u->role : "";
        c->users.push_back(std::move(a));
    } catch (...) {
        // No exception crosses into the host.
    }
}

} // namespace

std::optional<std::vector<services::AlertUser>> Module::accountUsers(std::int64_t accountId) const {
    if (!hostListsUsers(_host)) return std::nullopt;
    UserCollector collected;
    if (_host->list_account_users(_host->ctx, accountId, &collectUser, &collected) != SAC_OK) {
        log(SAC_LOG_WARNING, "sac: the host could not list the users of account " + std::to_string(accountId));
        return std::nullopt;
    }
    if (collected.overflow)
        log(SAC_LOG_WARNING, "sac: account " + std::to_string(accountId) + " has more than " +
                                 std::to_string(kMaxAccountUsers) + " users; only the first are read");
    // Only this account's admins and sellers, whatever the host answered.
    std::vector<services::AlertUser> out;
    for (auto& u : collected.users)
        if (u.accountId == accountId && u.id > 0 && (u.role == "admin" || u.role == "seller")) out.push_back(std::move(u));
    return out;
}

domain::Result<bool> Module::registerAlerts(sac_registrar& reg) {
    using R = domain::Result<bool>;
    if (setting("smtp_host", "").empty()) return R::ok(true);
    const auto scan = parseInt(setting("alert_scan_seconds", "300"), 1, 86400);
    if (!scan) return R::fail("expected setting alert_scan_seconds between 1 and 86400");
    const auto send = parseInt(setting("mail_send_seconds", "30"), 1, 3600);
    if (!send) return R::fail("expected setting mail_send_seconds between 1 and 3600");
    if (!reg.add_periodic_job ||
        reg.add_periodic_job(reg.ctx, "alert-scan", static_cast<std::uint32_t>(*scan), &Module::alertScanJob, this) !=
            SAC_OK ||
        reg.add_periodic_job(reg.ctx, "mail-outbox", static_cast<std::uint32_t>(*send), &Module::mailOutboxJob, this) !=
            SAC_OK)
        return R::fail("the host refused the deadline alert jobs");
    return R::ok(true);
}

domain::Result<bool> Module::startAlerts() {
    using R = domain::Result<bool>;
    auto smtp = services::readSmtpSettings(
        [this](const char* key, const std::string& fallback) { return setting(key, fallback); });
    if (!smtp) return R::fail(smtp.error());
    const auto digestHour = parseInt(setting("alert_digest_hour", "8"), 0, 23);
    if (!digestHour) return R::fail("expected setting alert_digest_hour between 0 and 23");
    _alertDigestHour = *digestHour;
    if (smtp.value().host.empty()) {
        log(SAC_LOG_INFO, "sac: deadline alerts off: setting smtp_host is empty");
        return R::ok(true);
    }
    std::string base = setting("public_base_url", "");
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (web::safeHttpUrl(base).empty() || base.find('?') != std::string::npos || base.find('#') != std::string::npos)
        return R::fail("expected setting public_base_url (the address users open the ERP at, e.g. "
                       "https://erp.example.com) for the links of the alert e-mails, got \"" +
                       base.substr(0, 120) + "\"");
    services::OutboxOptions outbox;
    const auto retry = parseInt(setting("mail_retry_seconds", "60"), 1, 86400);
    if (!retry) return R::fail("expected setting mail_retry_seconds between 1 and 86400");
    const auto retryMax = parseInt(setting("mail_retry_max_seconds", "3600"), 1, 86400);
    if (!retryMax || *retryMax < *retry)
        return R::fail("expected setting mail_retry_max_seconds between mail_retry_seconds and 86400");
    const auto giveUp = parseInt(setting("mail_give_up_hours", "72"), 1, 720);
    if (!giveUp) return R::fail("expected setting mail_give_up_hours between 1 and 720");
    outbox.firstRetry = std::chrono::seconds(*retry);
    outbox.maxRetry = std::chrono::seconds(*retryMax);
    outbox.giveUpAfter = std::chrono::hours(*giveUp);
    // A claim outlives the slowest batch: every message may take the I/O timeout.
    outbox.batchDeadline = std::chrono::milliseconds(smtp.value().ioTimeout.count() * 4);
    outbox.claimFor = outbox.batchDeadline + smtp.value().ioTimeout * 2 + std::chrono::seconds(30);

    if (!hostListsUsers(_host)) {
        log(SAC_LOG_WARNING, "sac: deadline alerts off: the host does not list an account's users "
                             "(list_account_users); e-mails need an ERP host that does");
        return R::ok(true);
    }
    const std::string owner = "host:" + std::to_string(::getpid());
    auto relay = std::make_unique<services::SmtpRelay>(smtp.value());
    auto sender = std::make_unique<services::MailOutbox>(
        *_db, *relay, [this] { return now(); }, [this](int level, const std::string& line) { log(level, line); }, owner,
        outbox);
    const web::AlertMailSettings mailSettings{base, _displayOffsetMinutes};
    services::AlertComposer composer{
        [this, mailSettings](const services::AlertMailFacts& f) { return web::renderAlertMail(*_templates, mailSettings, f); },
        [this, mailSettings](const services::DigestFacts& f) { return web::renderDigestMail(*_templates, mailSettings, f); }};
    services::AlertOptions options;
    options.digestHour = _alertDigestHour;
    options.offsetMinutes = _displayOffsetMinutes;
    auto alerts = std::make_unique<services::AlertService>(
        *_db, [this](std::int64_t account) { return accountUsers(account); }, std::move(composer), smtp.value().from,
        [this] { return now(); }, [this](int level, const std::string& line) { log(level, line); }, options);
    log(SAC_LOG_INFO, "sac: deadline alerts on: e-mails through " + relay->describe() + ", links to " + base);
    _relay = std::move(relay);
    _outbox = std::move(sender);
    _alerts = std::move(alerts);
    return R::ok(true);
}

void Module::alertScanJob(void* moduleCtx) {
    try {
        auto* m = static_cast<Module*>(moduleCtx);
        if (m && m->_alerts) m->_alerts->runOnce();
    } catch (...) {
        // A job reports its own failures; nothing may cross into the host.
    }
}

void Module::mailOutboxJob(void* moduleCtx) {
    try {
        auto* m = static_cast<Module*>(moduleCtx);
        if (m && m->_outbox) m->_outbox->runOnce();
    } catch (...) {
        // A job reports its own failures; nothing may cross into the host.
    }
}

} // namespace sac
