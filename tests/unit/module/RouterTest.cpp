#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <stdexcept>
#include <vector>

#include "web/Router.h"

#include <sac/sql/Database.h>

using namespace sac::web;

namespace {

struct Captured {
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string body;
    std::string layout;
    bool streamed = false;        ///< begin_stream() was called
    std::size_t streamedAt = 0;   ///< body bytes held when it was
    bool clientGone = false;      ///< stream_write() fails
};

void setStatus(void* c, int s) { static_cast<Captured*>(c)->status = s; }
void setHeader(void* c, const char* n, const char* v) { static_cast<Captured*>(c)->headers[n] = v; }
void write(void* c, const char* d, size_t n) { static_cast<Captured*>(c)->body.append(d, n); }
void useLayout(void* c, const char* t) { static_cast<Captured*>(c)->layout = t; }
int beginStream(void* c) {
    auto* out = static_cast<Captured*>(c);
    out->streamed = true;
    out->streamedAt = out->body.size();
    return SAC_OK;
}
int streamWrite(void* c, const char* d, size_t n) {
    auto* out = static_cast<Captured*>(c);
    if (out->clientGone) return SAC_ERROR;
    out->body.append(d, n);
    return SAC_OK;
}

struct Call {
    Captured out;
    sac_user user{1, 1, "u", "", "", "admin", "pt-BR"};
    /// A host without streaming: begin_stream and stream_write are NULL.
    sac_response res{SAC_MODULE_ABI_VERSION, sizeof(sac_response), &out, &setStatus, &setHeader, &write, &useLayout,
                     nullptr, nullptr};
    bool aborted = false;

    /// A host that streams.
    Call& streaming() {
        res.begin_stream = &beginStream;
        res.stream_write = &streamWrite;
        return *this;
    }

    void run(const Router& router, const char* method, const char* path, const char* query = "") {
        sac_request req{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, method, path, query, "", nullptr, 0,
                        &user, "", nullptr};
        Request r(req);
        Response s(res);
        router.dispatch(r, s);
        aborted = s.aborted();
    }
};

Router makeRouter() {
    Router r;
    r.add("GET", "/sac/", [](Request&, Response& res) { res.html("<p>tab</p>", "SAC"); });
    r.add("POST", "/sac/sync", [](Request&, Response& res) { res.redirect("/sac/?notice=x"); });
    r.add("GET", "/sac/boom", [](Request&, Response&) { throw std::runtime_error("kaboom"); });
    r.add("GET", "/sac/weird", [](Request&, Response&) { throw 42; });
    r.addPrefix("GET", "/sac/static/", [](Request& req, Response& res) { res.content(req.path(), "text/plain"); });
    return r;
}

} // namespace

TEST(Router, DispatchesByMethodAndPath) {
    const Router r = makeRouter();
    Call a;
    a.run(r, "GET", "/sac/");
    EXPECT_EQ(a.out.status, 200);
    EXPECT_EQ(a.out.body, "<p>tab</p>");
    EXPECT_EQ(a.out.layout, "SAC");
    Call b;
    b.run(r, "POST", "/sac/sync");
    EXPECT_EQ(b.out.status, 303);
    EXPECT_EQ(b.out.headers["Location"], "/sac/?notice=x");
    Call c;
    c.run(r, "GET", "/sac/static/sac.css");
    EXPECT_EQ(c.out.body, "/sac/static/sac.css");
}

TEST(Router, AnswersNotFoundAndMethodNotAllowed) {
    const Router r = makeRouter();
    Call a;
    a.run(r, "GET", "/sac/nope");
    EXPECT_EQ(a.out.status, 404);
    Call b;
    b.run(r, "GET", "/sac/static/");
    EXPECT_EQ(b.out.status, 404);
    Call c;
    c.run(r, "DELETE", "/sac/");
    EXPECT_EQ(c.out.status, 405);
    EXPECT_EQ(c.out.headers["Allow"], "GET");
    Call d;
    d.run(r, "GET", "/sac/", "a=%ZZ");
    EXPECT_EQ(d.out.status, 400);
}

TEST(Router, CatchesEveryExceptionFromHandlers) {
    Router r = makeRouter();
    Call a;
    a.run(r, "GET", "/sac/boom");
    EXPECT_EQ(a.out.status, 500);
    Call b;
    b.run(r, "GET", "/sac/weird");
    EXPECT_EQ(b.out.status, 500);

    std::string seen;
    r.onError = [&seen](Request&, Response& res, const std::string& what) {
        seen = what;
        res.content("oops", "text/plain", 500);
    };
    Call c;
    c.run(r, "GET", "/sac/boom");
    EXPECT_EQ(seen, "kaboom");
    EXPECT_EQ(c.out.body, "oops");

    r.onError = [](Request&, Response&, const std::string&) { throw std::logic_error("error page broken too"); };
    Call d;
    d.run(r, "GET", "/sac/boom");
    EXPECT_EQ(d.out.status, 500);
}

TEST(Response, RedirectsOnlyToOwnPaths) {
    Call a;
    Response res(a.res);
    res.redirect("//evil.example/");
    EXPECT_EQ(a.out.headers["Location"], "/sac/");
    Call b;
    Response res2(b.res);
    res2.redirect("https://evil.example/");
    EXPECT_EQ(b.out.headers["Location"], "/sac/");
    Call c;
    Response res3(c.res);
    res3.redirect("/sac/?a=1\r\nSet-Cookie: x");
    EXPECT_EQ(c.out.headers["Location"], "/sac/");
    // Browsers strip tabs and newlines from URLs and read '\\' as '/'.
    for (const std::string& target : std::vector<std::string>{"/\t/evil.example/", "/\n/evil.example/",
                                                              "/\\evil.example/", "/\\/evil.example/",
                                                              "/\x7f/evil.example/", ""}) {
        Call d;
        Response r(d.res);
        r.redirect(target);
        EXPECT_EQ(d.out.headers["Location"], "/sac/") << target;
    }
    Call e;
    Response own(e.res);
    own.redirect("/sac/cases/7?done=note");
    EXPECT_EQ(e.out.headers["Location"], "/sac/cases/7?done=note");
}

TEST(Router, MethodNotAllowedGoesToItsHandlerWithAllow) {
    Router r;
    r.add("POST", "/sac/api/sync", [](Request&, Response& res) { res.json("{}"); });
    Call plain;
    plain.run(r, "GET", "/sac/api/sync");
    EXPECT_EQ(plain.out.status, 405);
    EXPECT_EQ(plain.out.headers["Allow"], "POST");
    r.methodNotAllowed = [](Request&, Response& res) { res.json("{\"error\":\"method\"}", 405); };
    Call json;
    json.run(r, "GET", "/sac/api/sync");
    EXPECT_EQ(json.out.status, 405);
    EXPECT_EQ(json.out.headers["Allow"], "POST");
    EXPECT_EQ(json.out.headers["Content-Type"], "application/json; charset=utf-8");
}

TEST(Router, AnUnavailableDatabaseIs503WithRetryAfterNot500) {
    Router r = makeRouter();
    r.add("GET", "/sac/db", [](Request&, Response&) { throw sac::sql::Unavailable("no free database connection"); });
    int errors = 0;
    r.onError = [&errors](Request&, Response& res, const std::string&) {
        ++errors;
        res.content("oops", "text/plain", 500);
    };
    Call plain;
    plain.run(r, "GET", "/sac/db");
    EXPECT_EQ(plain.out.status, 503) << "without onUnavailable: a plain 503";
    EXPECT_EQ(plain.out.headers["Retry-After"], std::to_string(Router::kRetryAfterSeconds));
    EXPECT_EQ(errors, 0) << "not an internal error";

    std::string seen;
    r.onUnavailable = [&seen](Request&, Response& res, const std::string& what) {
        seen = what;
        res.setHeader("Retry-After", "5");
        res.content("ocupado", "text/plain", 503);
    };
    Call handled;
    handled.run(r, "GET", "/sac/db");
    EXPECT_EQ(seen, "no free database connection");
    EXPECT_EQ(handled.out.status, 503);
    EXPECT_EQ(handled.out.body, "ocupado");

    // Other database errors stay internal errors.
    r.add("GET", "/sac/sql", [](Request&, Response&) { throw sac::sql::SqlError("syntax error"); });
    Call other;
    other.run(r, "GET", "/sac/sql");
    EXPECT_EQ(other.out.status, 500);
    EXPECT_EQ(errors, 1);

    r.onUnavailable = [](Request&, Response&, const std::string&) { throw std::logic_error("503 page broken"); };
    Call broken;
    broken.run(r, "GET", "/sac/db");
    EXPECT_EQ(broken.out.status, 503);
}

TEST(Response, StreamsWhenTheHostCanAndBuffersWhenItCannot) {
    Router r;
    r.add("GET", "/sac/export", [](Request&, Response& res) {
        res.setHeader("Content-Type", "text/csv");
        const bool streamed = res.beginStream();
        for (int i = 0; i < 3; ++i)
            if (!res.stream("linha " + std::to_string(i) + "\r\n")) return res.abort();
        res.setHeader("X-Streamed", streamed ? "yes" : "no");
    });
    Call streaming;
    streaming.streaming().run(r, "GET", "/sac/export");
    EXPECT_TRUE(streaming.out.streamed);
    EXPECT_EQ(streaming.out.streamedAt, 0u);
    EXPECT_EQ(streaming.out.body, "linha 0\r\nlinha 1\r\nlinha 2\r\n");
    EXPECT_EQ(streaming.out.headers["X-Streamed"], "yes");
    EXPECT_FALSE(streaming.aborted);

    Call older; // begin_stream and stream_write NULL
    older.run(r, "GET", "/sac/export");
    EXPECT_FALSE(older.out.streamed);
    EXPECT_EQ(older.out.body, "linha 0\r\nlinha 1\r\nlinha 2\r\n") << "buffered through write()";
    EXPECT_EQ(older.out.headers["X-Streamed"], "no");

    Call oldest; // a host whose sac_response ends before begin_stream
    oldest.streaming();
    oldest.res.struct_size = offsetof(sac_response, begin_stream);
    oldest.run(r, "GET", "/sac/export");
    EXPECT_FALSE(oldest.out.streamed) << "fields past struct_size are never read";
    EXPECT_EQ(oldest.out.headers["X-Streamed"], "no");

    Call gone;
    gone.streaming().out.clientGone = true;
    gone.run(r, "GET", "/sac/export");
    EXPECT_TRUE(gone.aborted) << "the client went away: the route aborts";
}

TEST(Router, AnExceptionAfterAStreamBeganAbortsItInsteadOfAppendingAnErrorPage) {
    Router r;
    r.add("GET", "/sac/export", [](Request&, Response& res) {
        res.beginStream();
        res.stream("a,b\r\n");
        throw std::runtime_error("database gone mid-file");
    });
    r.add("GET", "/sac/export-db", [](Request&, Response& res) {
        res.beginStream();
        res.stream("a,b\r\n");
        throw sac::sql::Unavailable("no connection");
    });
    int errorPages = 0;
    std::string logged;
    r.onError = [&errorPages](Request&, Response& res, const std::string&) {
        ++errorPages;
        res.content("<p>erro</p>", "text/html", 500);
    };
    r.onUnavailable = r.onError;
    r.onStreamError = [&logged](Request&, Response&, const std::string& what) { logged = what; };
    for (const char* path : {"/sac/export", "/sac/export-db"}) {
        Call c;
        c.streaming().run(r, "GET", path);
        EXPECT_TRUE(c.aborted) << path;
        EXPECT_EQ(c.out.body, "a,b\r\n") << path << ": nothing appended to the file";
    }
    EXPECT_EQ(errorPages, 0);
    EXPECT_EQ(logged, "database gone mid-file");
    // Before a stream began, the error page as always.
    r.add("GET", "/sac/early", [](Request&, Response&) { throw std::runtime_error("early"); });
    Call early;
    early.streaming().run(r, "GET", "/sac/early");
    EXPECT_FALSE(early.aborted);
    EXPECT_EQ(early.out.status, 500);
    EXPECT_EQ(errorPages, 1);
}
