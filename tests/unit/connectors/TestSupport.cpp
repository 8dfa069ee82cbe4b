#include "TestSupport.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sac::test {

std::string fixture(const std::string& name) {
    const std::string path = std::string(SAC_ALIEXPRESS_FIXTURES) + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + path);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

Poco::JSON::Object::Ptr fixtureJson(const std::string& name) {
    Poco::JSON::Parser p;
    return p.parse(fixture(name)).extract<Poco::JSON::Object::Ptr>();
}

connectors::PocoHttpTransport::Options loopbackOptions() {
    std::string error;
    auto policy = connectors::EndpointPolicy::parse(connectors::EndpointPolicy::kDefaultAllowedHosts, true, error);
    if (!policy) throw std::logic_error("loopback policy: " + error);
    connectors::PocoHttpTransport::Options o;
    o.endpoints = std::make_shared<const connectors::EndpointPolicy>(std::move(*policy));
    return o;
}

void FakeTransport::answer(int status, std::string body) {
    connectors::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    script.emplace_back(std::move(r));
}

void FakeTransport::fail(connectors::ErrorKind kind) {
    script.emplace_back(connectors::MarketplaceError::make(kind, "fake", "fake failure", "scripted"));
}

connectors::Result<connectors::HttpResponse> FakeTransport::send(const connectors::HttpRequest& request) {
    requests.push_back(request);
    if (script.empty()) throw std::logic_error("FakeTransport: no scripted answer left");
    auto r = script.front();
    script.pop_front();
    return r;
}

namespace {

class CollectingPartHandler : public Poco::Net::PartHandler {
public:
    explicit CollectingPartHandler(SeenRequest& seen) : _seen(seen) {}
    void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
        std::string disp;
        Poco::Net::NameValueCollection params;
        Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disp, params);
        std::string bytes;
        Poco::StreamCopier::copyToString(stream, bytes);
        const std::string name = params.get("name", "");
        _seen.files[name] = bytes;
        _seen.fileNames[name] = params.get("filename", "");
    }

private:
    SeenRequest& _seen;
};

class ScriptedHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit ScriptedHandler(std::shared_ptr<LocalServer::State> state) : _state(std::move(state)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        try {
            SeenRequest seen;
            seen.method = request.getMethod();
            seen.uri = request.getURI();
            seen.contentType = request.getContentType();
            CollectingPartHandler parts(seen);
            Poco::Net::HTMLForm form(request, request.stream(), parts);
            for (const auto& [k, v] : form) seen.fields[k] = v;
            ScriptedAnswer a;
            {
                std::lock_guard lock(_state->mutex);
                _state->seen.push_back(seen);
                if (!_state->script.empty()) {
                    _state->last = _state->script.front();
                    _state->script.pop_front();
                }
                a = _state->last;
            }
            if (a.delay.count() > 0) std::this_thread::sleep_for(a.delay);
            response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(a.status));
            response.setContentType(a.contentType);
            response.setContentLength(static_cast<std::streamsize>(a.body.size()));
            response.send() << a.body;
        } catch (...) {
            // Client went away (read timeout): nothing to answer.
        }
    }

private:
    std::shared_ptr<LocalServer::State> _state;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(std::shared_ptr<LocalServer::State> state) : _state(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new ScriptedHandler(_state);
    }

private:
    std::shared_ptr<LocalServer::State> _state;
};

} // namespace

LocalServer::LocalServer() : _state(std::make_shared<State>()) {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    _port = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    params->setKeepAlive(false);
    _server = std::make_unique<Poco::Net::HTTPServer>(new Factory(_state), socket, params);
    _server->start();
}

LocalServer::~LocalServer() { _server->stopAll(true); }

std::string LocalServer::baseUrl() const { return "http://127.0.0.1:" + std::to_string(_port); }

void LocalServer::push(ScriptedAnswer a) {
    std::lock_guard lock(_state->mutex);
    _state->script.push_back(std::move(a));
}

std::vector<SeenRequest> LocalServer::seen() const {
    std::lock_guard lock(_state->mutex);
    return _state->seen;
}

} // namespace sac::test
