#include "HttpFrontend.h"

#include "ConnectionGuard.h"

#include "sac/host/Cookies.h"
#include "sac/host/Csrf.h"
#include "sac/host/Redactor.h"
#include "sac/host/Tokens.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sac::host {

namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr const char* kSessionCookie = "sac_session";
constexpr const char* kLoginCsrfCookie = "sac_login_csrf";
constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kJson = "application/json; charset=utf-8";
/// Scripts, styles and images from the host only; no inline script or style.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
constexpr const char* kPermissionsPolicy =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()";
/// Form fields the host parses itself (login, logout).
constexpr int kMaxFormFields = 32;
/// What a page says while the database cannot answer (HTTP 503).
constexpr const char* kDatabaseUnavailable =
    "O banco de dados está ocupado ou indisponível; tente de novo em instantes.";
/// Seconds a client is told to wait after a 503 for the database.
constexpr const char* kDatabaseRetryAfter = "5";
/// Bodies of the token-authenticated public routes being read at once.
constexpr int kMaxTokenBodiesInFlight = 8;
std::atomic<int> gTokenBodiesInFlight{0};

bool isHex64(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

bool startsWith(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.compare(0, p.size(), p) == 0; }

/// One request being answered.
struct Exchange {
    HTTPServerRequest& req;
    HTTPServerResponse& resp;
    HttpContext& ctx;
    std::string method;
    std::string path;
    std::string query;
    std::string body;
    std::string token;                 ///< the session cookie's raw value
    std::optional<Authenticated> auth;
    PageUser pageUser;

    const PageUser* user() const { return auth ? &pageUser : nullptr; }
    bool wantsJson() const { return path.find("/api/") != std::string::npos || (path.size() >= 4 && path.substr(path.size() - 4) == "/api"); }
};

CookieOptions cookieOptions(const HttpContext& ctx) {
    CookieOptions o;
    o.secure = ctx.config.secureCookies;
    return o;
}

void send(Exchange& x, int status, const std::string& contentType, const std::string& body,
          const char* cacheControl = "no-store") {
    x.resp.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status),
                              HTTPResponse::getReasonForStatus(static_cast<HTTPResponse::HTTPStatus>(status)));
    securityHeaders(x.resp, x.ctx.config, startsWith(contentType, "text/html"));
    if (!x.resp.has("Cache-Control")) x.resp.set("Cache-Control", cacheControl);
    x.resp.setContentType(contentType);
    x.resp.setContentLength64(static_cast<Poco::Int64>(body.size()));
    x.resp.sendBuffer(body.data(), body.size());
}

void sendError(Exchange& x, int status, const std::string& message = {}) {
    if (x.wantsJson()) {
        Poco::JSON::Object o;
        o.set("status", status);
        o.set("error", HTTPResponse::getReasonForStatus(static_cast<HTTPResponse::HTTPStatus>(status)));
        if (!message.empty()) o.set("message", message);
        std::ostringstream ss;
        o.stringify(ss);
        send(x, status, kJson, ss.str());
        return;
    }
    send(x, status, kHtml, x.ctx.pages.errorPage(status, x.user(), x.ctx.menu, message));
}

/// 503 with Retry-After: the database is busy or down (sql::Unavailable).
void sendDatabaseUnavailable(Exchange& x, const std::string& what) {
    x.ctx.logger.warning("request " + logField(x.method, 16) + " " + logField(x.path) +
                         " answered 503, database unavailable: " + redactSecrets(logField(what, 500)));
    x.resp.set("Retry-After", kDatabaseRetryAfter);
    sendError(x, 503, kDatabaseUnavailable);
}

void redirect(Exchange& x, int status, const std::string& location) {
    x.resp.set("Location", location);
    send(x, status, kHtml, "<!DOCTYPE html><title>Redirecionando</title><p>Redirecionando…</p>");
}

void readBody(Exchange& x, std::size_t max, bool& tooLarge) {
    tooLarge = false;
    const Poco::Int64 declared = x.req.getContentLength64();
    if (declared != HTTPServerRequest::UNKNOWN_CONTENT_LENGTH && declared > static_cast<Poco::Int64>(max)) {
        tooLarge = true;
        return;
    }
    if (declared == 0) return;
    if (declared == HTTPServerRequest::UNKNOWN_CONTENT_LENGTH && !x.req.getChunkedTransferEncoding()) return;
    std::istream& in = x.req.stream();
    char buf[16384];
    while (in) {
        in.read(buf, sizeof buf);
        std::streamsize n = in.gcount();
        if (n <= 0) break;
        if (x.body.size() + static_cast<std::size_t>(n) > max) {
            tooLarge = true;
            return;
        }
        x.body.append(buf, static_cast<std::size_t>(n));
    }
}

/// A form field from the (already read) body; "" when absent or unparsable.
std::string formField(Exchange& x, const std::string& name) {
    const std::string ct = x.req.getContentType();
    if (!startsWith(ct, "application/x-www-form-urlencoded") && !startsWith(ct, "multipart/form-data")) return {};
    try {
        Poco::Net::HTMLForm form;
        form.setFieldLimit(kMaxFormFields);
        std::istringstream in(x.body);
        form.load(x.req, in);
        return form.get(name, "");
    } catch (const Poco::Exception&) {
        return {};
    }
}

/// The fields of a urlencoded or multipart body (file parts are skipped);
/// empty when the body is not a form or has too many fields.
Poco::Net::NameValueCollection parseForm(Exchange& x) {
    try {
        Poco::Net::HTMLForm form;
        form.setFieldLimit(kMaxFormFields);
        std::istringstream in(x.body);
        form.load(x.req, in);
        return Poco::Net::NameValueCollection(form);
    } catch (const Poco::Exception&) {
        return {};
    }
}

std::string clientAddress(const Exchange& x) {
    try {
        return x.req.clientAddress().host().toString();
    } catch (const Poco::Exception&) {
        return "?";
    }
}

std::string queryParam(const Exchange& x, const std::string& name) {
    try {
        Poco::URI uri(x.req.getURI());
        for (const auto& [k, v] : uri.getQueryParameters())
            if (k == name) return v;
    } catch (const Poco::Exception&) {
    }
    return {};
}

std::string submittedCsrf(Exchange& x) {
    if (x.req.has("X-CSRF-Token")) return x.req.get("X-CSRF-Token");
    return formField(x, "_csrf");
}

// ---- host routes ---------------------------------------------------------

bool databaseAnswers(HttpContext& ctx) {
    try {
        ctx.db.acquire()->query("SELECT 1");
        return true;
    } catch (const std::exception& e) {
        ctx.logger.error("health check: database did not answer: " + redactSecrets(logField(e.what(), 500)));
        return false;
    }
}

/// Anonymous callers learn only up or down; an admin also sees the modules.
void handleHealth(Exchange& x) {
    const bool up = databaseAnswers(x.ctx);
    Poco::JSON::Object o;
    o.set("status", up ? "ok" : "down");
    if (!x.auth || x.auth->user.role != "admin") {
        std::ostringstream ss;
        o.stringify(ss);
        return send(x, up ? 200 : 503, kJson, ss.str());
    }
    Poco::JSON::Array loaded;
    for (const auto& id : x.ctx.modules.loadedIds()) loaded.add(id);
    o.set("modules", loaded);
    Poco::JSON::Array refused;
    for (const auto& r : x.ctx.modules.refused()) {
        Poco::JSON::Object item;
        item.set("module", r.module);
        item.set("reason", r.reason);
        refused.add(item);
    }
    o.set("refused", refused);
    std::ostringstream ss;
    o.stringify(ss);
    send(x, up ? 200 : 503, kJson, ss.str());
}

void handleStatic(Exchange& x) {
    const std::string name = x.path.substr(std::string("/static/host/").size());
    bool ok = !name.empty() && name.front() != '.';
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_'))
            ok = false;
    const std::filesystem::path file = x.ctx.config.staticDir / name;
    std::error_code ec;
    if (!ok || !std::filesystem::is_regular_file(file, ec)) return sendError(x, 404);
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string ext = file.extension().string();
    std::string type = "application/octet-stream";
    if (ext == ".css") type = "text/css; charset=utf-8";
    else if (ext == ".js") type = "text/javascript; charset=utf-8";
    else if (ext == ".png") type = "image/png";
    else if (ext == ".svg") type = "image/svg+xml";
    else if (ext == ".ico") type = "image/x-icon";
    else if (ext == ".woff2") type = "font/woff2";
    send(x, 200, type, ss.str(), "public, max-age=3600");
}

void renderLogin(Exchange& x, int status, const std::string& next, const std::string& error, const std::string& login) {
    std::string csrf;
    if (auto c = findCookie(x.req.get("Cookie", ""), kLoginCsrfCookie); c && isHex64(*c)) {
        csrf = *c;
    } else {
        csrf = randomHex(32);
        CookieOptions o = cookieOptions(x.ctx);
        o.path = "/login";
        x.resp.add("Set-Cookie", buildSetCookie(kLoginCsrfCookie, csrf, o));
    }
    send(x, status, kHtml, x.ctx.pages.loginPage(next, csrf, error, login, x.ctx.menu));
}

void handleLogin(Exchange& x) {
    if (x.method == "GET" || x.method == "HEAD") {
        std::string next = safeNext(queryParam(x, "next"));
        if (x.auth) return redirect(x, 302, next);
        return renderLogin(x, 200, next, "", "");
    }
    if (x.method != "POST") return sendError(x, 405);
    auto form = parseForm(x);
    const std::string next = safeNext(form.get("next", "/"));
    const std::string login = form.get("login", "");
    // What is typed back into the form: never more than a login can be.
    const std::string shownLogin = login.size() > kMaxLoginBytes ? std::string() : login;
    auto cookie = findCookie(x.req.get("Cookie", ""), kLoginCsrfCookie);
    if (!cookie || !csrfTokenValid(*cookie, form.get("_csrf", ""))) {
        x.ctx.logger.warning("login refused: missing or wrong login form token");
        return sendError(x, 403);
    }
    LoginResult result;
    try {
        result = x.ctx.auth.login(login, form.get("password", ""),
                                  x.token.empty() ? std::nullopt : std::optional<std::string>(x.token),
                                  clientAddress(x));
    } catch (const sql::Unavailable& e) {
        x.ctx.logger.warning("login answered 503, database unavailable: " + redactSecrets(logField(e.what(), 500)));
        x.resp.set("Retry-After", kDatabaseRetryAfter);
        return renderLogin(x, 503, next, kDatabaseUnavailable, shownLogin);
    }
    switch (result.outcome) {
    case LoginOutcome::Ok: {
        x.ctx.logger.information("login: user " + result.user.login + " (id " + std::to_string(result.user.id) + ")");
        CookieOptions o = cookieOptions(x.ctx);
        o.maxAgeSeconds = x.ctx.auth.settings().absoluteMs / 1000;
        x.resp.add("Set-Cookie", buildSetCookie(kSessionCookie, result.token, o));
        CookieOptions clear = cookieOptions(x.ctx);
        clear.path = "/login";
        x.resp.add("Set-Cookie", buildClearCookie(kLoginCsrfCookie, clear));
        return redirect(x, 303, next);
    }
    case LoginOutcome::Throttled:
        x.ctx.logger.warning("login throttled for " + logField(login, 64) + " from " + clientAddress(x));
        return renderLogin(x, 429, next, "Muitas tentativas sem sucesso. Aguarde alguns minutos e tente de novo.",
                           shownLogin);
    case LoginOutcome::Inactive:
        x.ctx.logger.warning("login refused: user " + logField(login, 64) + " is inactive");
        return renderLogin(x, 401, next, "Usuário ou senha inválidos.", shownLogin);
    case LoginOutcome::BadCredentials:
    default:
        x.ctx.logger.warning("login failed for " + logField(login, 64) + " from " + clientAddress(x));
        return renderLogin(x, 401, next, "Usuário ou senha inválidos.", shownLogin);
    }
}

void handleLogout(Exchange& x) {
    if (x.method != "POST") return sendError(x, 405);
    if (x.auth) {
        if (!csrfTokenValid(x.auth->session.csrfToken, submittedCsrf(x))) return sendError(x, 403);
        x.ctx.auth.logout(x.token);
        x.ctx.logger.information("logout: user " + x.auth->user.login);
    }
    x.resp.add("Set-Cookie", buildClearCookie(kSessionCookie, cookieOptions(x.ctx)));
    redirect(x, 303, "/login");
}

void requireLogin(Exchange& x) {
    if (x.wantsJson()) return sendError(x, 401);
    if (x.method == "GET" || x.method == "HEAD") {
        std::string target = x.path + (x.query.empty() ? "" : "?" + x.query);
        std::string encoded;
        Poco::URI::encode(target, "?#&=+;%", encoded);
        return redirect(x, 302, "/login?next=" + encoded);
    }
    sendError(x, 401);
}

void handleHome(Exchange& x) {
    if (x.method != "GET" && x.method != "HEAD") return sendError(x, 405);
    if (!x.auth) return requireLogin(x);
    send(x, 200, kHtml, x.ctx.pages.homePage(x.pageUser, x.ctx.menu));
}

// ---- module routes -------------------------------------------------------

struct ResponseBuffer {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string contentType = kHtml;
    std::string body;
    bool layout = false;
    std::string title;
    Exchange* exchange = nullptr;
    /// Streaming (begin_stream): set once the status and headers were sent.
    bool streamed = false;
    /// Where the body goes: the connection's socket, each write one chunk
    /// (Poco's chunked stream would cut it into 4 KB chunks, a send each).
    Poco::Net::StreamSocket* socket = nullptr;
    bool chunked = false;
    std::ostream* stream = nullptr; ///< Poco's stream: never written to, it ends the chunks
    /// A streamed write failed: the client went away or stopped reading.
    bool streamBroken = false;
    std::string frame; ///< one chunk being sent, kept to reuse its memory
};

/// Writes to a streamed answer; false once the client cannot take them.
bool streamOut(ResponseBuffer& r, const char* data, std::size_t len) {
    if (r.streamBroken || !r.socket) return false;
    if (!data || len == 0) return true;
    try {
        const char* out = data;
        std::size_t size = len;
        if (r.chunked) {
            // One send for the chunk's size, data and CRLF (no small write for Nagle to hold).
            char head[24];
            const int n = std::snprintf(head, sizeof head, "%zx\r\n", len);
            r.frame.assign(head, static_cast<std::size_t>(n));
            r.frame.append(data, len);
            r.frame.append("\r\n", 2);
            out = r.frame.data();
            size = r.frame.size();
        }
        // sendBytes sends everything or throws (a send timeout included).
        while (size > 0) {
            const int chunk = static_cast<int>(std::min<std::size_t>(size, 1u << 30));
            const int sent = r.socket->sendBytes(out, chunk);
            if (sent <= 0) {
                r.streamBroken = true;
                break;
            }
            out += sent;
            size -= static_cast<std::size_t>(sent);
        }
    } catch (...) {
        r.streamBroken = true;
    }
    return !r.streamBroken;
}

const char* requestHeader(void* ctx, const char* name) {
    try {
        auto* req = static_cast<HTTPServerRequest*>(ctx);
        if (!name || !req->has(name)) return nullptr;
        return req->get(name).c_str();
    } catch (...) {
        return nullptr;
    }
}

void responseSetStatus(void* ctx, int status) { static_cast<ResponseBuffer*>(ctx)->status = status; }

void responseSetHeader(void* ctx, const char* name, const char* value) {
    try {
        auto* r = static_cast<ResponseBuffer*>(ctx);
        if (!name || !value) return;
        std::string n(name), v(value);
        if (v.find_first_of("\r\n") != std::string::npos || n.find_first_of("\r\n:") != std::string::npos) return;
        std::string lower;
        for (char c : n) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        if (lower == "content-type") {
            r->contentType = v;
            return;
        }
        if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection") return;
        r->headers.emplace_back(std::move(n), std::move(v));
    } catch (...) {
    }
}

void responseWrite(void* ctx, const char* data, size_t len) {
    auto* r = static_cast<ResponseBuffer*>(ctx);
    try {
        if (r->streamed) streamOut(*r, data, len);
        else if (data && len) r->body.append(data, len);
    } catch (...) {
        if (r->streamed) r->streamBroken = true;
    }
}

int responseStreamWrite(void* ctx, const char* data, size_t len) {
    auto* r = static_cast<ResponseBuffer*>(ctx);
    try {
        if (r->streamed) return streamOut(*r, data, len) ? SAC_OK : SAC_ERROR;
        if (data && len) r->body.append(data, len);
        return SAC_OK;
    } catch (...) {
        if (r->streamed) r->streamBroken = true;
        return SAC_ERROR;
    }
}

/// Sends the status and headers now; the body follows as the route writes it
/// (chunked for HTTP/1.1 clients, until the connection closes for HTTP/1.0).
int responseBeginStream(void* ctx) {
    auto* r = static_cast<ResponseBuffer*>(ctx);
    try {
        if (r->streamed) return r->streamBroken ? SAC_ERROR : SAC_OK;
        if (!r->exchange || r->layout || r->status < 200 || r->status > 599 || r->status == 204 || r->status == 304)
            return SAC_ERROR;
        Exchange& x = *r->exchange;
        if (x.method == "HEAD") return SAC_ERROR;
        for (const auto& [name, value] : r->headers) x.resp.add(name, value);
        r->headers.clear();
        const auto status = static_cast<HTTPResponse::HTTPStatus>(r->status);
        x.resp.setStatusAndReason(status, HTTPResponse::getReasonForStatus(status));
        securityHeaders(x.resp, x.ctx.config, startsWith(r->contentType, "text/html"));
        if (!x.resp.has("Cache-Control")) x.resp.set("Cache-Control", "no-store");
        x.resp.setContentType(r->contentType);
        auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&x.req);
        if (!impl) return SAC_ERROR;
        r->chunked = x.req.getVersion() == Poco::Net::HTTPMessage::HTTP_1_1;
        if (r->chunked) x.resp.setChunkedTransferEncoding(true);
        else x.resp.setKeepAlive(false);
        r->streamed = true;
        // Sends the status and headers; the last chunk follows when the answer ends.
        r->stream = &x.resp.send();
        r->socket = &impl->socket();
        if (!r->body.empty()) {
            const std::string held = std::move(r->body);
            r->body.clear();
            streamOut(*r, held.data(), held.size());
        }
        return r->streamBroken ? SAC_ERROR : SAC_OK;
    } catch (...) {
        if (r->streamed) r->streamBroken = true;
        return SAC_ERROR;
    }
}

/// Ends a streamed answer that cannot be completed: the connection is cut
/// before the last chunk, so the client sees the download fail.
void cutStream(Exchange& x, ResponseBuffer& r, const std::string& why) {
    x.ctx.logger.warning("streamed answer to " + x.method + " " + logField(x.path) + " cut: " + why);
    r.streamBroken = true;
    x.resp.setKeepAlive(false);
    try {
        if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&x.req)) impl->socket().shutdown();
    } catch (...) {
    }
}

void responseUseLayout(void* ctx, const char* title) {
    try {
        auto* r = static_cast<ResponseBuffer*>(ctx);
        r->layout = true;
        r->title = title ? title : "";
    } catch (...) {
    }
}

void handleModule(Exchange& x, const ModuleRoute& route) {
    if (!route.isPublic() && !x.auth) return requireLogin(x);
    if (x.auth && !route.allows(x.auth->user.role)) {
        x.ctx.logger.information("forbidden: user " + x.auth->user.login + " lacks " + route.permission + " for " +
                                 logField(x.path));
        return sendError(x, 403);
    }
    if (isUnsafeMethod(x.method) && !route.skipsCsrf()) {
        if (!x.auth || !csrfTokenValid(x.auth->session.csrfToken, submittedCsrf(x))) {
            x.ctx.logger.warning("CSRF check failed: " + x.method + " " + logField(x.path));
            return sendError(x, 403);
        }
    }

    sac_user user{};
    if (x.auth) {
        const User& u = x.auth->user;
        user = sac_user{u.id, u.accountId, u.login.c_str(), u.email.c_str(), u.displayName.c_str(), u.role.c_str(),
                        u.locale.c_str()};
    } else {
        user = sac_user{0, 0, "", "", "", "", "pt-BR"};
    }
    const std::string contentType = x.req.getContentType();
    const std::string csrf = x.auth ? x.auth->session.csrfToken : std::string();
    sac_request request{};
    request.abi_version = SAC_MODULE_ABI_VERSION;
    request.struct_size = sizeof(sac_request);
    request.ctx = &x.req;
    request.method = x.method.c_str();
    request.path = x.path.c_str();
    request.query = x.query.c_str();
    request.content_type = contentType.c_str();
    request.body = x.body.data();
    request.body_len = x.body.size();
    request.user = &user;
    request.csrf_token = csrf.c_str();
    request.header = requestHeader;

    ResponseBuffer buffer;
    buffer.exchange = &x;
    sac_response response{};
    response.abi_version = SAC_MODULE_ABI_VERSION;
    response.struct_size = sizeof(sac_response);
    response.ctx = &buffer;
    response.set_status = responseSetStatus;
    response.set_header = responseSetHeader;
    response.write = responseWrite;
    response.use_layout = responseUseLayout;
    response.begin_stream = responseBeginStream;
    response.stream_write = responseStreamWrite;

    int rc = SAC_ERROR;
    try {
        rc = route.fn(route.routeCtx, &request, &response);
    } catch (const std::exception& e) {
        x.ctx.logger.error("module " + route.moduleId + " route " + route.prefix + " threw on " + x.method + " " +
                           logField(x.path) + ": " + redactSecrets(logField(e.what(), 500)));
        if (buffer.streamed) return cutStream(x, buffer, "the route threw");
        return sendError(x, 500);
    } catch (...) {
        x.ctx.logger.error("module " + route.moduleId + " route " + route.prefix + " threw on " + x.method + " " +
                           logField(x.path));
        if (buffer.streamed) return cutStream(x, buffer, "the route threw");
        return sendError(x, 500);
    }
    if (buffer.streamed) {
        // Status and headers are gone; what is left is ending the body.
        if (rc != SAC_OK) return cutStream(x, buffer, "the route returned SAC_ERROR");
        if (buffer.streamBroken) return cutStream(x, buffer, "the client stopped taking it");
        return; // Poco writes the last chunk when the answer ends

    }
    if (rc != SAC_OK) {
        x.ctx.logger.error("module " + route.moduleId + " route " + route.prefix + " returned SAC_ERROR on " + x.method +
                           " " + logField(x.path));
        return sendError(x, 500);
    }
    if (buffer.status < 100 || buffer.status > 599) {
        x.ctx.logger.error("module " + route.moduleId + " answered status " + std::to_string(buffer.status) + " on " +
                           logField(x.path));
        return sendError(x, 500);
    }
    for (const auto& [name, value] : buffer.headers) x.resp.add(name, value);
    std::string body = std::move(buffer.body);
    if (buffer.layout && startsWith(buffer.contentType, "text/html"))
        body = x.ctx.pages.page(buffer.title, body, x.user(), x.ctx.menu);
    send(x, buffer.status, buffer.contentType, body);
}

/// True when the request carries a token of its own (machine callers of
/// SAC_ROUTE_TOKEN_BODY routes); the route checks its value.
bool carriesToken(const Exchange& x) {
    for (const auto& [name, value] : x.req) {
        const bool tokenHeader = Poco::icompare(name, "Authorization") == 0 ||
                                 (name.size() > 6 && Poco::icompare(name.substr(name.size() - 6), "-Token") == 0);
        if (tokenHeader && value.size() >= 32) return true;
    }
    return false;
}

/// After refusing a body, read and drop what the client is still sending
/// (a little, for a short while) so that it gets to read the answer instead
/// of a connection reset; what nginx calls a lingering close.
void lingerAfterRefusal(Exchange& x) {
    constexpr std::size_t kMaxDrainBytes = 4u << 20;
    request_deadline::lingerFor(std::chrono::seconds(2));
    try {
        std::istream& in = x.req.stream();
        char buf[16384];
        std::size_t drained = 0;
        while (in && drained < kMaxDrainBytes) {
            in.read(buf, sizeof buf);
            if (in.gcount() <= 0) break;
            drained += static_cast<std::size_t>(in.gcount());
        }
    } catch (...) {
        // The deadline shut the socket or the client went away: either is fine.
    }
    request_deadline::requestRead();
}

/// Reads the body under the limit of who is asking: a signed-in user or a
/// token-carrying machine caller may send up to host.max_body_bytes (with a
/// longer read deadline for a signed-in user), anybody else only
/// host.max_anonymous_body_bytes. False when an answer was already sent.
bool readRequestBody(Exchange& x, const ModuleRoute* route) {
    std::size_t limit = std::min(x.ctx.config.maxAnonymousBodyBytes, x.ctx.config.maxBodyBytes);
    bool tokenBody = false;
    if (x.auth) {
        limit = x.ctx.config.maxBodyBytes;
        request_deadline::allowBody();
    } else if (route && route->takesTokenBody() && carriesToken(x)) {
        if (gTokenBodiesInFlight.fetch_add(1) >= kMaxTokenBodiesInFlight) {
            gTokenBodiesInFlight.fetch_sub(1);
            x.resp.setKeepAlive(false);
            x.resp.set("Retry-After", "5");
            sendError(x, 503);
            return false;
        }
        tokenBody = true;
        limit = x.ctx.config.maxBodyBytes;
    }
    bool tooLarge = false;
    try {
        readBody(x, limit, tooLarge);
    } catch (...) {
        if (tokenBody) gTokenBodiesInFlight.fetch_sub(1);
        throw;
    }
    if (tokenBody) gTokenBodiesInFlight.fetch_sub(1);
    request_deadline::requestRead();
    if (tooLarge) {
        x.ctx.logger.warning("request body over " + std::to_string(limit) + " bytes refused: " + x.method + " " +
                             logField(x.path) + (x.auth ? "" : " (not signed in)"));
        x.resp.setKeepAlive(false);
        sendError(x, 413);
        lingerAfterRefusal(x);
        return false;
    }
    return true;
}

void dispatch(Exchange& x) {
    try {
        Poco::URI uri(x.req.getURI());
        x.path = uri.getPath();
        x.query = uri.getRawQuery();
    } catch (const Poco::Exception&) {
        x.path = "/";
        return sendError(x, 400);
    }
    if (x.path.empty() || x.path.front() != '/') return sendError(x, 400);

    // Who is asking decides how much they may send: the session is looked
    // up before a byte of the body is read.
    std::optional<std::string> databaseDown;
    if (auto token = findCookie(x.req.get("Cookie", ""), kSessionCookie); token && !token->empty()) {
        x.token = *token;
        try {
            x.auth = x.ctx.auth.authenticate(x.token);
        } catch (const sql::Unavailable& e) {
            databaseDown = e.what();
        }
        if (x.auth) {
            const User& u = x.auth->user;
            x.pageUser = PageUser{u.displayName, u.accountName, u.role, x.auth->session.csrfToken,
                                  u.id,          u.accountId,   u.login, u.email, u.locale};
        }
    }
    // Who the caller is stays unknown: answer before reading a body sized for them.
    const bool needsNoUser = x.path == "/healthz" || x.path == "/favicon.ico" || startsWith(x.path, "/static/host/");
    if (databaseDown && !needsNoUser) {
        x.resp.setKeepAlive(false);
        sendDatabaseUnavailable(x, *databaseDown);
        lingerAfterRefusal(x);
        return;
    }
    const ModuleRoute* route = x.ctx.routes.match(x.path);
    if (!readRequestBody(x, route)) return;

    if (x.path == "/healthz") return x.method == "GET" || x.method == "HEAD" ? handleHealth(x) : sendError(x, 405);
    if (startsWith(x.path, "/static/host/")) {
        if (x.method != "GET" && x.method != "HEAD") return sendError(x, 405);
        return handleStatic(x);
    }
    if (x.path == "/favicon.ico") {
        // Asked for by browsers (and tools) that do not read the layout's <link rel="icon">.
        if (x.method != "GET" && x.method != "HEAD") return sendError(x, 405);
        x.path = "/static/host/favicon.svg";
        return handleStatic(x);
    }

    if (x.path == "/login") return handleLogin(x);
    if (x.path == "/logout") return handleLogout(x);
    if (x.path == "/") return handleHome(x);
    if (route) return handleModule(x, *route);
    sendError(x, 404);
}

} // namespace

void securityHeaders(HTTPServerResponse& resp, const HostConfig& config, bool html) {
    resp.set("X-Content-Type-Options", "nosniff");
    resp.set("X-Frame-Options", "DENY");
    resp.set("Referrer-Policy", "same-origin");
    resp.set("Permissions-Policy", kPermissionsPolicy);
    if (html && !resp.has("Content-Security-Policy")) resp.set("Content-Security-Policy", kContentSecurityPolicy);
    if (config.httpsPublic()) resp.set("Strict-Transport-Security", "max-age=31536000");
}

std::string safeNext(const std::string& next) {
    if (next.empty() || next.front() != '/') return "/";
    if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
    for (unsigned char c : next)
        if (c < 0x20 || c == 0x7f || c == '\\') return "/";
    if (next.size() > 2048) return "/";
    return next;
}

Poco::Net::HTTPRequestHandler* HostRequestHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest&) {
    return new HostRequestHandler(_ctx);
}

void HostRequestHandler::handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) {
    const auto started = std::chrono::steady_clock::now();
    Exchange x{req, resp, _ctx, req.getMethod(), {}, {}, {}, {}, std::nullopt, {}};
    // A request waits briefly for a database connection, then answers 503.
    sql::ScopedAcquireWait wait(sql::kRequestAcquireWait);
    std::optional<std::string> databaseDown;
    try {
        dispatch(x);
    } catch (const sql::Unavailable& e) {
        databaseDown = e.what();
    } catch (const std::exception& e) {
        _ctx.logger.error("request " + logField(x.method, 16) + " " + logField(x.path) + " failed: " +
                          redactSecrets(logField(e.what(), 500)));
    } catch (...) {
        _ctx.logger.error("request " + logField(x.method, 16) + " " + logField(x.path) + " failed: unknown exception");
    }
    if (!resp.sent()) {
        try {
            if (databaseDown) sendDatabaseUnavailable(x, *databaseDown);
            else sendError(x, 500);
        } catch (...) {
            try {
                resp.setStatusAndReason(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
                resp.setContentType("text/plain; charset=utf-8");
                resp.send() << "Erro interno";
            } catch (...) {
            }
        }
    }
    request_deadline::awaitNext();
    if (_ctx.logger.debug()) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
        _ctx.logger.debug(logField(x.method, 16) + " " + logField(x.path) + " " + std::to_string(static_cast<int>(resp.getStatus())) + " " +
                          std::to_string(ms) + "ms");
    }
}

} // namespace sac::host
