// The Module's Lost & Found wiring: the public inbound-mail route, the
// mailbox poll job and the services, from the module's settings.
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <sac/amazon/ImapMailbox.h>
#include <sac/amazon/Pop3Mailbox.h>

#include "Module.h"
#include "web/LostFoundRoutes.h"

namespace sac {
namespace {

std::optional<int> parseInt(const std::string& text, int lo, int hi) {
    int v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi) return std::nullopt;
    return v;
}

std::string readTrimmed(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

} // namespace

domain::Result<bool> Module::registerLostFound(sac_registrar& reg) {
    using R = domain::Result<bool>;
    if (reg.add_route(reg.ctx, web::kInboundPrefix, "", SAC_ROUTE_PUBLIC | SAC_ROUTE_NO_CSRF | SAC_ROUTE_TOKEN_BODY, &Module::handleRoute,
                      this) != SAC_OK)
        return R::fail(std::string("the host refused the route prefix ") + web::kInboundPrefix);
    if (!setting("mailbox_host", "").empty()) {
        const auto interval = parseInt(setting("mailbox_poll_seconds", "300"), 10, 86400);
        if (!interval) return R::fail("expected setting mailbox_poll_seconds between 10 and 86400");
        if (!reg.add_periodic_job ||
            reg.add_periodic_job(reg.ctx, "mailbox-poll", static_cast<std::uint32_t>(*interval), &Module::pollMailboxJob,
                                 this) != SAC_OK)
            return R::fail("the host refused the mailbox poll job");
    }
    return R::ok(true);
}

domain::Result<bool> Module::startLostFound() {
    using R = domain::Result<bool>;
    services::LostFoundOptions options;
    auto windows = services::LostFoundWindows::parse(setting("lostfound_windows", ""));
    if (!windows) return R::fail(windows.error());
    options.windows = windows.value();
    const auto history = parseInt(setting("lostfound_history_days", "180"), 1, 730);
    if (!history) return R::fail("expected setting lostfound_history_days between 1 and 730");
    options.historyDays = *history;
    // How long to wait before asking Amazon again whether a report is ready (it
    // grows by half on each poll). Amazon's reports take minutes; tests and the
    // demo use the simulator, which is ready at once.
    const auto firstPoll = parseInt(setting("lostfound_first_poll_ms", "5000"), 10, 600000);
    if (!firstPoll) return R::fail("expected setting lostfound_first_poll_ms between 10 and 600000");
    options.reports.firstPollDelay = std::chrono::milliseconds(*firstPoll);
    options.reports.callTimeout = _timeouts.call;
    options.reports.downloadTimeout = _timeouts.download;
    options.finances.callTimeout = _timeouts.call;
    // SP-API pacing: a call Amazon keeps throttling backs off (exponentially, jittered, each
    // wait at most lostfound_max_backoff_s) for at most lostfound_throttle_budget_s in all.
    const auto budget = parseInt(setting("lostfound_throttle_budget_s", "900"), 0, 86400);
    if (!budget) return R::fail("expected setting lostfound_throttle_budget_s between 0 and 86400");
    options.pacing.throttleBudget = std::chrono::seconds(*budget);
    const auto backoff = parseInt(setting("lostfound_max_backoff_s", "180"), 1, 3600);
    if (!backoff) return R::fail("expected setting lostfound_max_backoff_s between 1 and 3600");
    options.pacing.maxBackoff = std::chrono::seconds(*backoff);
    _lostFound = std::make_unique<services::LostFoundService>(
        *_db, *_vault, _transport, [this] { return now(); },
        [this](int level, const std::string& line) { log(level, line); }, "host:" + std::to_string(::getpid()),
        options);

    const sac_host_services* host = _host;
    services::MailUserLookup lookup = [host](const std::string& email) -> std::optional<services::MailUser> {
        if (!host->find_user_by_email) return std::nullopt;
        sac_user u{};
        if (host->find_user_by_email(host->ctx, email.c_str(), &u) != SAC_OK || u.user_id == 0) return std::nullopt;
        services::MailUser out;
        out.userId = u.user_id;
        out.accountId = u.account_id;
        out.name = u.display_name && *u.display_name ? u.display_name : (u.login ? u.login : "");
        return out;
    };
    const std::string maxBytes = setting("inbound_mail_max_bytes", "10485760");
    auto max = parseInt(maxBytes, 1024, 64 << 20);
    if (!max) return R::fail("expected setting inbound_mail_max_bytes between 1024 and 67108864, got \"" + maxBytes + "\"");
    _inboundMailMaxBytes = static_cast<std::size_t>(*max);
    amazon::MailLimits limits;
    limits.maxBytes = _inboundMailMaxBytes;
    services::InboundPolicy policy;
    if (const std::string address = setting("inbound_mail_address", ""); !address.empty()) {
        auto base = services::parseInboundBase(address);
        if (!base) return R::fail(base.error());
        policy.base = base.value();
    }
    const std::string requireAuth = setting("inbound_mail_require_auth", "false");
    if (requireAuth != "true" && requireAuth != "false")
        return R::fail("expected setting inbound_mail_require_auth as true or false, got \"" +
                       requireAuth.substr(0, 40) + "\"");
    policy.requireAuthentication = requireAuth == "true";
    for (char ch : setting("inbound_mail_authserv_id", ""))
        if (ch != ' ' && ch != '\t')
            policy.authservId.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    if (policy.requireAuthentication && policy.authservId.empty())
        return R::fail("expected setting inbound_mail_authserv_id (the receiving MTA's authserv-id) with "
                       "inbound_mail_require_auth = true");
    _mailIngest = std::make_unique<services::MailIngestService>(
        *_db, std::move(policy), lookup, [this] { return now(); },
        [this](int level, const std::string& line) { log(level, line); }, limits);
    return R::ok(true);
}

void Module::pollMailboxJob(void* moduleCtx) {
    try {
        auto* m = static_cast<Module*>(moduleCtx);
        if (!m || !m->_mailIngest) return;
        amazon::MailboxSettings s;
        s.host = m->setting("mailbox_host", "");
        if (s.host.empty()) return;
        if (!m->_mailIngest->policy().configured()) {
            // Without the installation's address no message can name an account: leave them all in the mailbox.
            m->log(SAC_LOG_WARNING, "sac: mailbox poll skipped: setting inbound_mail_address is empty");
            return;
        }
        const auto port = parseInt(m->setting("mailbox_port", "0"), 0, 65535);
        s.port = static_cast<std::uint16_t>(port.value_or(0));
        s.user = m->setting("mailbox_user", "");
        s.password = m->setting("mailbox_password", "");
        if (const std::string file = m->setting("mailbox_password_file", ""); !file.empty())
            s.password = readTrimmed(file);
        s.caFile = m->setting("mailbox_ca_file", "");
        s.maxMessageBytes = m->inboundMailMaxBytes(); // larger ones stay in the mailbox, listed as oversized
        const std::string protocol = m->setting("mailbox_protocol", "imaps");
        std::unique_ptr<amazon::Mailbox> box;
        if (protocol == "pop3s") {
            if (!s.port) s.port = 995;
            box = std::make_unique<amazon::Pop3Mailbox>(s);
        } else {
            if (!s.port) s.port = 993;
            box = std::make_unique<amazon::ImapMailbox>(s);
        }
        const auto summary = m->_mailIngest->poll(*box);
        if (summary.fetched || summary.oversized || summary.waiting || !summary.error.empty())
            m->log(SAC_LOG_INFO, "sac: mailbox poll: fetched " + std::to_string(summary.fetched) + ", deleted " +
                                     std::to_string(summary.deleted) + ", oversized " +
                                     std::to_string(summary.oversized) + ", kept before " +
                                     std::to_string(summary.skipped) + ", waiting " +
                                     std::to_string(summary.waiting) +
                                     (summary.error.empty() ? "" : ", error: " + summary.error));
    } catch (...) {
        // A job reports its own failures; nothing may cross into the host.
    }
}

} // namespace sac
