// The module's context: what init() builds and shutdown() destroys.
//
// Lifetime: created by init() (entry.cpp), started by start(), destroyed by
// shutdown() after the host's last handler and job returned. Between start()
// and shutdown() it is shared read-only by concurrent handlers: everything
// here is either immutable after start() or thread-safe itself (Database).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <string_view>
#include <utility>

#include <sac/module_api.h>
#include <sac/sql/Database.h>

#include <sac/connectors/EndpointPolicy.h>
#include <sac/connectors/HttpTransport.h>

#include "domain/Result.h"
#include "services/ActionQueueCounter.h"
#include "services/AlertService.h"
#include "services/AliExpressAccess.h"
#include "services/CredentialVault.h"
#include "services/LostFoundService.h"
#include "services/MailIngestService.h"
#include "services/MailOutbox.h"
#include "services/MarketplaceTimeouts.h"
#include "services/Permissions.h"
#include "services/ScheduledRuns.h"
#include "services/SyncService.h"
#include "web/Router.h"
#include "web/StaticFiles.h"
#include "web/TemplateEngine.h"

namespace sac {

class Module {
public:
    /// Reads manifest.json, templates, catalogs and static files from the
    /// host's module_dir. Fails with a one-line reason.
    static domain::Result<std::unique_ptr<Module>> create(const sac_host_services* host);

    /// The one place that registers everything with the host: the menu
    /// entry, the "/sac" route prefix, and the migrations folder. Also
    /// builds the router (web/Routes.cpp). Fails with a one-line reason.
    domain::Result<bool> registerWith(sac_registrar& registrar);

    /// Opens the database (host's database_url; pool size see
    /// databasePoolSize) and marks sync runs left running by a previous
    /// process as interrupted.
    domain::Result<bool> start();

    /// The C route callback: route_ctx is the Module. Catches everything.
    static int handleRoute(void* routeCtx, const sac_request* request, sac_response* response);

    /// nullptr before start().
    sql::Database* database() const { return _db.get(); }
    /// The store credentials vault; nullptr before start().
    const services::CredentialVault* vault() const { return _vault.get(); }
    /// One HTTP transport shared by every connector call (thread-safe).
    std::shared_ptr<connectors::HttpTransport> transport() const { return _transport; }
    /// Where stores may point (settings allowed_hosts, allow_loopback_endpoints);
    /// the transport enforces the same rules; nullptr before start().
    std::shared_ptr<const connectors::EndpointPolicy> endpoints() const { return _endpoints; }
    /// How long marketplace calls may take (settings *_timeout_seconds).
    const services::MarketplaceTimeouts& timeouts() const { return _timeouts; }
    /// Signed AliExpress access per store; nullptr before start().
    services::AliExpressAccess* aliexpress() const { return _aliexpress.get(); }
    /// "Disputa de Sincronização"; nullptr before start().
    services::SyncService* sync() const { return _sync.get(); }
    /// "Buscar casos Lost & Found"; nullptr before start().
    services::LostFoundService* lostFound() const { return _lostFound.get(); }
    /// Automatic syncs and Lost & Found searches; nullptr before start().
    services::ScheduledRuns* scheduledRuns() const { return _schedule.get(); }
    /// The operator's schedule settings (read at init, also when the schedule is off).
    const services::ScheduleOptions& scheduleOptions() const { return _scheduleOptions; }
    /// Forwarded Amazon e-mails; nullptr before start().
    services::MailIngestService* mailIngest() const { return _mailIngest.get(); }
    /// The action queue's count per account (menu badge, tab); nullptr before start().
    services::ActionQueueCounter* actionQueue() const { return _actionQueue.get(); }
    /// The badge beside the menu entry href for user: the action queue's
    /// count (when above 0) and its text alternative in the user's language
    /// ("3 disputas requerem ação"); nullopt for no badge
    /// (web/ActionQueueBadge.cpp). Thread-safe; answers from a short cache.
    std::optional<std::pair<std::int64_t, std::string>> menuBadge(const sac_user& user, std::string_view href) const;
    /// Deadline alerts by e-mail; nullptr when off (setting smtp_host empty,
    /// or a host that cannot list an account's users) or before start().
    services::AlertService* alerts() const { return _alerts.get(); }
    /// The local hour from which daily digests go out (setting alert_digest_hour).
    int alertDigestHour() const { return _alertDigestHour; }
    /// The account's active users as the host lists them (list_account_users),
    /// or nullopt when the host cannot tell (older hosts) or failed.
    std::optional<std::vector<services::AlertUser>> accountUsers(std::int64_t accountId) const;
    /// The largest inbound e-mail accepted (setting inbound_mail_max_bytes), bytes.
    std::size_t inboundMailMaxBytes() const { return _inboundMailMaxBytes; }
    /// The host is stopping: long jobs (syncs, Lost & Found searches) wind
    /// down, save where they were and give their store leases back.
    void stopping() {
        if (_schedule) _schedule->stop();
        if (_sync) _sync->stopAll();
        if (_lostFound) _lostFound->stopAll();
        if (_alerts) _alerts->stopAll();
        if (_outbox) _outbox->stopAll();
    }
    /// Hands fn to the host's job pool. False when the pool refused it (full).
    bool submitJob(const std::string& name, std::function<void()> fn) const;
    const web::TemplateEngine& templates() const { return *_templates; }
    const web::StaticFiles& staticFiles() const { return _static; }
    const services::PermissionPolicy& permissions() const { return _permissions; }
    const web::Router& router() const { return _router; }

    /// The host's clock, UTC ms.
    std::int64_t now() const;
    /// One line to the host's log (never pass secrets).
    void log(int level, const std::string& message) const;
    /// modules.sac.<key> from the host's configuration, or fallback.
    std::string setting(const char* key, const std::string& fallback) const;
    /// UTC offset used to show times (setting display_utc_offset_minutes,
    /// default -180 = Brasília).
    int displayOffsetMinutes() const { return _displayOffsetMinutes; }
    const std::string& moduleDir() const { return _moduleDir; }

private:
    /// Lost & Found and inbound mail (web/LostFoundSetup.cpp): the public
    /// inbound route and the mailbox poll job; then the services at start().
    domain::Result<bool> registerLostFound(sac_registrar& registrar);
    domain::Result<bool> startLostFound();
    /// The module's pool size when the URL has no pool=N: setting
    /// db_pool_size, else sql::poolSizeFor(dialect, 2 × host.job_threads,
    /// host.http_threads). Fails on a malformed setting or URL.
    domain::Result<std::size_t> databasePoolSize(const std::string& url) const;
    static void pollMailboxJob(void* moduleCtx);
    /// Deadline alerts (web/AlertSetup.cpp): the alert-scan and mail-outbox
    /// jobs when smtp_host is set; then the relay, outbox and scan at start().
    domain::Result<bool> registerAlerts(sac_registrar& registrar);
    domain::Result<bool> startAlerts();
    static void alertScanJob(void* moduleCtx);
    static void mailOutboxJob(void* moduleCtx);
    /// The periodic job of scheduled runs (ScheduledRuns::tick).
    static void scheduleJob(void* moduleCtx);

    Module(const sac_host_services* host, std::string moduleDir, services::PermissionPolicy permissions,
           std::unique_ptr<web::TemplateEngine> templates, web::StaticFiles staticFiles);

    const sac_host_services* _host;
    std::string _moduleDir;
    services::PermissionPolicy _permissions;
    std::unique_ptr<web::TemplateEngine> _templates;
    web::StaticFiles _static;
    web::Router _router;
    std::unique_ptr<sql::Database> _db;
    std::unique_ptr<services::CredentialVault> _vault;
    std::shared_ptr<const connectors::EndpointPolicy> _endpoints;
    services::MarketplaceTimeouts _timeouts;
    std::shared_ptr<connectors::HttpTransport> _transport;
    std::unique_ptr<services::AliExpressAccess> _aliexpress;
    std::unique_ptr<services::SyncService> _sync;
    std::unique_ptr<services::LostFoundService> _lostFound;
    services::ScheduleOptions _scheduleOptions;
    std::unique_ptr<services::ScheduledRuns> _schedule;
    std::unique_ptr<services::MailIngestService> _mailIngest;
    std::unique_ptr<services::MailRelay> _relay;
    std::unique_ptr<services::MailOutbox> _outbox;
    std::unique_ptr<services::AlertService> _alerts;
    int _alertDigestHour = 8;
    std::size_t _inboundMailMaxBytes = 10u << 20;
    int _displayOffsetMinutes = -180;
    std::unique_ptr<services::ActionQueueCounter> _actionQueue; ///< uses _db: declared after it
};

} // namespace sac
