#include "TestSupport.h"

#include "sac/connectors/PocoHttpTransport.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gtest/gtest.h>

using namespace sac::connectors;
using sac::test::LocalServer;
using sac::test::ScriptedAnswer;
using namespace std::chrono_literals;

TEST(HttpResponse, HeaderLookupIsCaseInsensitiveAndRetryAfterIsParsed) {
    HttpResponse r;
    r.headers = {{"Content-Type", "text/html"}, {"retry-after", "7"}};
    EXPECT_EQ(r.header("content-type"), "text/html");
    EXPECT_FALSE(r.header("X-Missing").has_value());
    EXPECT_EQ(r.retryAfterMs(), 7000);
    r.headers = {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}};
    EXPECT_FALSE(r.retryAfterMs().has_value());
}

TEST(PocoHttpTransport, PostsFormsAndReadsAnswers) {
    LocalServer server;
    server.push({200, R"({"ok":true})"});
    PocoHttpTransport t(sac::test::loopbackOptions());
    auto r = t.send(HttpRequest::postForm(server.baseUrl() + "/sync", {{"a", "1 2&3"}, {"nome", "João — 未"}}));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().status, 200);
    EXPECT_EQ(r.value().body, R"({"ok":true})");
    EXPECT_EQ(r.value().header("content-type"), "application/json;charset=UTF-8");
    auto seen = server.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].method, "POST");
    EXPECT_EQ(seen[0].uri, "/sync");
    EXPECT_EQ(seen[0].fields["a"], "1 2&3");
    EXPECT_EQ(seen[0].fields["nome"], "João — 未");
}

TEST(PocoHttpTransport, SendsMultipartWithFiles) {
    LocalServer server;
    server.push({200, "{}"});
    PocoHttpTransport t(sac::test::loopbackOptions());
    const std::string bytes("\xFF\xD8\xFF\x00\x01binary", 9);
    auto r = t.send(HttpRequest::postMultipart(server.baseUrl() + "/sync", {{"issue_id", "1"}},
                                               {FilePart{"image_bytes", "evidence.jpg", "image/jpeg", bytes}}));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    auto seen = server.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].contentType.rfind("multipart/form-data", 0), 0u);
    EXPECT_EQ(seen[0].fields["issue_id"], "1");
    EXPECT_EQ(seen[0].files["image_bytes"], bytes);
    EXPECT_EQ(seen[0].fileNames["image_bytes"], "evidence.jpg");
}

TEST(PocoHttpTransport, GetAndNon2xxAreAnswersNotErrors) {
    LocalServer server;
    server.push({503, "<html>down</html>", "text/html"});
    PocoHttpTransport t(sac::test::loopbackOptions());
    auto r = t.send(HttpRequest::get(server.baseUrl() + "/status?x=1"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().status, 503);
    EXPECT_EQ(server.seen()[0].uri, "/status?x=1");
}

TEST(PocoHttpTransport, ConnectionRefusedIsANetworkError) {
    unsigned short port;
    {
        Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = s.address().port();
    }
    PocoHttpTransport t(sac::test::loopbackOptions());
    auto r = t.send(HttpRequest::get("http://127.0.0.1:" + std::to_string(port) + "/"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Network);
    EXPECT_TRUE(r.error().retryable());
}

TEST(PocoHttpTransport, ReadTimeoutIsATimeoutError) {
    LocalServer server;
    server.push({200, "{}", "application/json", 1500ms});
    PocoHttpTransport t(sac::test::loopbackOptions());
    auto req = HttpRequest::get(server.baseUrl() + "/slow");
    req.timeouts.read = 200ms;
    auto r = t.send(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Timeout);
}

TEST(PocoHttpTransport, HttpsToAPlainServerFailsTheHandshake) {
    LocalServer server;
    server.push({200, "{}"});
    PocoHttpTransport t(sac::test::loopbackOptions());
    std::string url = server.baseUrl();
    url.replace(0, 4, "https");
    auto req = HttpRequest::get(url + "/");
    req.timeouts.read = 2000ms;
    auto r = t.send(req);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().kind == ErrorKind::Network || r.error().kind == ErrorKind::Timeout) << r.error().describe();
}

TEST(PocoHttpTransport, UnsupportedSchemeIsRejected) {
    PocoHttpTransport t;
    auto r = t.send(HttpRequest::get("ftp://example.com/x"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Rejected);
}
