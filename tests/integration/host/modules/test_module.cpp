// A small module for the host's integration tests. Compile definitions pick
// the variant: a good module, or one broken in one precise way.
//   TM_ID="good"            the module id (must match the manifest)
//   TM_ENTRY_ABI=N          abi_version the entry reports (default the current one)
//   TM_NO_ENTRY             export no sac_module_entry symbol
//   TM_INIT_FAIL            init() returns SAC_ERROR with a reason
//   TM_INIT_THROW           init() throws (breaking the contract on purpose)
//   TM_UNDECLARED_MENU      init() registers a menu entry the manifest lacks
//   TM_BAD_MIGRATION        register a migrations folder holding broken SQL
//   TM_ROUTES               register the test routes and migrations, and answer
//                           menu badges (setting badge_mode: count, none,
//                           throw, negative, huge, markup)
//   TM_LEGACY_ENTRY         an entry built before menu_badge: struct_size ends
//                           before it (the pointer past it must never be called)
//   TM_LEGACY_MENU          register the menu entry Marketing → Legado (/legacy)
#include "sac/module_api.h"

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#define TM_EXPORT extern "C" __attribute__((visibility("default")))

#ifndef TM_ENTRY_ABI
#define TM_ENTRY_ABI SAC_MODULE_ABI_VERSION
#endif

namespace {

const sac_host_services* g_host = nullptr;
std::atomic<int> g_ticks{0};
std::atomic<int> g_badgeCalls{0};

void say(sac_response* r, const std::string& text, const char* type = "text/plain; charset=utf-8") {
    r->set_header(r->ctx, "Content-Type", type);
    r->write(r->ctx, text.data(), text.size());
}

std::string queryValue(const char* query, const std::string& key) {
    std::string q = query ? query : "";
    std::string needle = key + "=";
    auto pos = q.find(needle);
    if (pos == std::string::npos) return {};
    auto end = q.find('&', pos);
    std::string v = q.substr(pos + needle.size(), end == std::string::npos ? std::string::npos : end - pos - needle.size());
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size()) {
            out.push_back(static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(v[i] == '+' ? ' ' : v[i]);
        }
    }
    return out;
}

[[maybe_unused]] int routeMain(void*, const sac_request* req, sac_response* resp) {
    std::string path = req->path;
    std::string method = req->method;
    if (path == "/t" || path == "/t/") {
        if (method == "POST") {
            say(resp, "posted:" + std::string(req->body, req->body_len));
            return SAC_OK;
        }
        std::string html = "<p id=\"tm-page\">pagina de teste de " + std::string(req->user->login) + "</p>";
        say(resp, html, "text/html; charset=utf-8");
        resp->use_layout(resp->ctx, "Teste");
        return SAC_OK;
    }
    if (path == "/t/throw") throw std::runtime_error("boom password=hunter2");
    if (path == "/t/fail") return SAC_ERROR;
    if (path == "/t/api/ping") {
        say(resp, "{\"pong\":true}", "application/json");
        return SAC_OK;
    }
    if (path == "/t/raw") {
        resp->set_status(resp->ctx, 201);
        resp->set_header(resp->ctx, "X-Test", "yes");
        say(resp, "<b>raw</b>", "text/html; charset=utf-8");
        return SAC_OK;
    }
    if (path == "/t/setting") {
        char buf[256];
        std::string key = queryValue(req->query, "key");
        if (g_host->get_setting(g_host->ctx, key.c_str(), buf, sizeof buf) != SAC_OK) {
            resp->set_status(resp->ctx, 404);
            say(resp, "no setting");
            return SAC_OK;
        }
        say(resp, buf);
        return SAC_OK;
    }
    if (path == "/t/now") {
        say(resp, std::to_string(g_host->now_ms(g_host->ctx)));
        return SAC_OK;
    }
    if (path == "/t/user") {
        sac_user u{};
        std::string email = queryValue(req->query, "email");
        if (g_host->find_user_by_email(g_host->ctx, email.c_str(), &u) != SAC_OK) {
            resp->set_status(resp->ctx, 404);
            say(resp, "no user");
            return SAC_OK;
        }
        say(resp, std::string(u.login) + "|" + u.role + "|" + std::to_string(u.account_id));
        return SAC_OK;
    }
    if (path == "/t/users") {
        // list_account_users, read only when the host's table is long enough to hold it.
        if (g_host->struct_size < offsetof(sac_host_services, list_account_users) + sizeof(void*) ||
            !g_host->list_account_users) {
            resp->set_status(resp->ctx, 501);
            say(resp, "host without list_account_users");
            return SAC_OK;
        }
        std::string out;
        auto add = [](void* ctx, const sac_user* u) {
            *static_cast<std::string*>(ctx) += std::string(u->login) + "|" + u->email + "|" + u->display_name + "|" +
                                               u->role + "|" + u->locale + "|" + std::to_string(u->account_id) + ";";
        };
        const std::int64_t account = std::atoll(queryValue(req->query, "account").c_str());
        if (g_host->list_account_users(g_host->ctx, account, add, &out) != SAC_OK) {
            resp->set_status(resp->ctx, 500);
            say(resp, "list failed");
            return SAC_OK;
        }
        say(resp, out);
        return SAC_OK;
    }
    if (path == "/t/whoami") {
        const char* agent = req->header(req->ctx, "X-Probe");
        say(resp, std::string(req->user->login) + "|" + req->user->role + "|" + (agent ? agent : "-") + "|" +
                      (req->csrf_token && *req->csrf_token ? "csrf" : "nocsrf") + "|" + req->query);
        return SAC_OK;
    }
    if (path == "/t/badge-calls") {
        say(resp, std::to_string(g_badgeCalls.load()));
        return SAC_OK;
    }
    if (path == "/t/stream" || path == "/t/stream-fail" || path == "/t/stream-throw") {
        // rows=N lines of 100 bytes; held=1 writes the first line before begin_stream.
        const int rows = std::atoi(queryValue(req->query, "rows").c_str());
        const std::string line = std::string(98, 'x') + "\r\n";
        resp->set_status(resp->ctx, 200);
        resp->set_header(resp->ctx, "Content-Type", "text/csv; charset=utf-8");
        resp->set_header(resp->ctx, "X-Streamed", "yes");
        if (queryValue(req->query, "held") == "1") resp->write(resp->ctx, "held\r\n", 6);
        if (resp->struct_size < offsetof(sac_response, stream_write) + sizeof(resp->stream_write) ||
            resp->begin_stream(resp->ctx) != SAC_OK) {
            say(resp, "cannot stream");
            return SAC_OK;
        }
        for (int i = 0; i < rows; ++i)
            if (resp->stream_write(resp->ctx, line.data(), line.size()) != SAC_OK) return SAC_ERROR;
        if (path == "/t/stream-fail") return SAC_ERROR;
        if (path == "/t/stream-throw") throw std::runtime_error("stream broke");
        return SAC_OK;
    }
    if (path == "/t/info") {
        say(resp, std::string(g_host->module_dir(g_host->ctx)) + "|" + g_host->database_url(g_host->ctx) + "|" +
                      std::to_string(g_ticks.load()));
        return SAC_OK;
    }
    resp->set_status(resp->ctx, 404);
    say(resp, "unknown test path");
    return SAC_OK;
}

[[maybe_unused]] int routeAdmin(void*, const sac_request*, sac_response* resp) {
    say(resp, "admin area");
    return SAC_OK;
}

[[maybe_unused]] int routePublic(void*, const sac_request* req, sac_response* resp) {
    say(resp, std::string("public ") + req->method);
    return SAC_OK;
}

[[maybe_unused]] void tick(void*) { ++g_ticks; }

/// The badge of /t for the seller "sel" (none for others), as the setting
/// badge_mode says.
[[maybe_unused]] int badge(const sac_user* user, const char* href, int64_t* count, char* text, size_t len) {
    ++g_badgeCalls;
    char mode[32] = "count";
    if (g_host) g_host->get_setting(g_host->ctx, "badge_mode", mode, sizeof mode);
    const std::string m = mode;
    if (std::string(href) != "/t" || std::string(user->login) != "sel" || m == "none") return SAC_ERROR;
    if (m == "throw") throw std::runtime_error("badge broke");
    *count = m == "negative" ? -3 : m == "huge" ? 1234567 : 7;
    const std::string t = m == "markup" ? "7 <script>alert(1)</script> itens" : std::to_string(*count) + " itens aguardam " +
                                                                                       user->locale;
    std::snprintf(text, len, "%s", t.c_str());
    return SAC_OK;
}

/// A legacy module's badge: never called (its entry's struct_size ends before it).
[[maybe_unused]] int legacyBadge(const sac_user*, const char*, int64_t* count, char* text, size_t len) {
    *count = 99;
    std::snprintf(text, len, "%s", "legacy badge called");
    return SAC_OK;
}

int init(const sac_host_services* host, sac_registrar* reg, char* error, size_t errorLen) {
    g_host = host;
#ifdef TM_INIT_THROW
    (void)reg;
    (void)error;
    (void)errorLen;
    throw std::runtime_error("init exploded");
#elif defined(TM_INIT_FAIL)
    (void)reg;
    std::snprintf(error, errorLen, "cannot reach the test service at 127.0.0.1:1");
    return SAC_ERROR;
#else
    (void)error;
    (void)errorLen;
#ifdef TM_UNDECLARED_MENU
    if (reg->add_menu_entry(reg->ctx, "Vendas", "Pedidos secretos", "/secret", nullptr) != SAC_OK) return SAC_ERROR;
#endif
#ifdef TM_LEGACY_MENU
    if (reg->add_menu_entry(reg->ctx, "Marketing", "Legado", "/legacy", nullptr) != SAC_OK) return SAC_ERROR;
#endif
#ifdef TM_BAD_MIGRATION
    if (reg->add_migrations(reg->ctx, "schema") != SAC_OK) return SAC_ERROR;
#endif
#ifdef TM_ROUTES
    if (reg->add_menu_entry(reg->ctx, "Marketing", "Teste", "/t", "test.view") != SAC_OK) return SAC_ERROR;
    if (reg->add_route(reg->ctx, "/t", "test.view", 0, routeMain, nullptr) != SAC_OK) return SAC_ERROR;
    if (reg->add_route(reg->ctx, "/t/admin", "test.admin", 0, routeAdmin, nullptr) != SAC_OK) return SAC_ERROR;
    if (reg->add_route(reg->ctx, "/tpub", nullptr, SAC_ROUTE_PUBLIC, routePublic, nullptr) != SAC_OK) return SAC_ERROR;
    if (reg->add_route(reg->ctx, "/tnocsrf", "test.view", SAC_ROUTE_NO_CSRF, routePublic, nullptr) != SAC_OK)
        return SAC_ERROR;
    if (reg->add_periodic_job(reg->ctx, "tick", 1, tick, nullptr) != SAC_OK) return SAC_ERROR;
    if (reg->add_migrations(reg->ctx, "schema") != SAC_OK) return SAC_ERROR;
    host->log(host->ctx, SAC_LOG_INFO, "test module ready, app_secret=should-not-appear");
#endif
    return SAC_OK;
#endif
}

int start(char*, size_t) { return SAC_OK; }

void shutdown() { g_host = nullptr; }

void stopping() {
    if (g_host) g_host->log(g_host->ctx, SAC_LOG_INFO, "test module told the host is stopping");
}

#if defined(TM_LEGACY_ENTRY)
// Built before menu_badge existed: the struct ends where it begins.
const sac_module_info kEntry = {TM_ENTRY_ABI, offsetof(sac_module_info, menu_badge), TM_ID, "1.0.0", init, start,
                                shutdown, stopping, legacyBadge};
#elif defined(TM_ROUTES)
const sac_module_info kEntry = {TM_ENTRY_ABI, sizeof(sac_module_info), TM_ID, "1.0.0", init, start,
                                shutdown, stopping, badge};
#else
const sac_module_info kEntry = {TM_ENTRY_ABI, sizeof(sac_module_info), TM_ID, "1.0.0", init, start,
                                shutdown, stopping, nullptr};
#endif

} // namespace

#ifdef TM_NO_ENTRY
TM_EXPORT const sac_module_info* some_other_symbol(void) { return &kEntry; }
#else
TM_EXPORT const sac_module_info* sac_module_entry(void) { return &kEntry; }
#endif
