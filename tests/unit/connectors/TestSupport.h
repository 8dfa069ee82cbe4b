#pragma once

#include "sac/connectors/HttpTransport.h"
#include "sac/connectors/PocoHttpTransport.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServer.h>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sac::test {

/// Reads tests/fixtures/aliexpress/<name>.
std::string fixture(const std::string& name);
/// Parses a JSON object fixture.
Poco::JSON::Object::Ptr fixtureJson(const std::string& name);

/// Transport options for a local test server: the official hosts plus loopback (the
/// development setting allow_loopback_endpoints).
connectors::PocoHttpTransport::Options loopbackOptions();

/// An HttpTransport that answers from a script and records the requests.
class FakeTransport : public connectors::HttpTransport {
public:
    std::deque<connectors::Result<connectors::HttpResponse>> script;
    std::vector<connectors::HttpRequest> requests;

    void answer(int status, std::string body);
    void fail(connectors::ErrorKind kind);
    connectors::Result<connectors::HttpResponse> send(const connectors::HttpRequest& request) override;
};

/// What the local server saw in one request.
struct SeenRequest {
    std::string method;
    std::string uri;
    std::string contentType;
    std::map<std::string, std::string> fields;  ///< form fields (url-encoded or multipart text parts)
    std::map<std::string, std::string> files;   ///< multipart file parts: field name → bytes
    std::map<std::string, std::string> fileNames;
};

/// A scripted answer of the local server.
struct ScriptedAnswer {
    int status = 200;
    std::string body;
    std::string contentType = "application/json;charset=UTF-8";
    std::chrono::milliseconds delay{0};
};

/// A real Poco HTTPServer on 127.0.0.1, port chosen by the system, answering from a script
/// (the last answer repeats when the script runs out).
class LocalServer {
public:
    LocalServer();
    ~LocalServer();
    LocalServer(const LocalServer&) = delete;
    LocalServer& operator=(const LocalServer&) = delete;

    std::string baseUrl() const;
    void push(ScriptedAnswer a);
    std::vector<SeenRequest> seen() const;

    struct State {
        mutable std::mutex mutex;
        std::deque<ScriptedAnswer> script;
        ScriptedAnswer last;
        std::vector<SeenRequest> seen;
    };

private:
    std::shared_ptr<State> _state;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
    unsigned short _port = 0;
};

} // namespace sac::test
