#include "sac/connectors/PocoHttpTransport.h"

#include "SocketWatch.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/Timespan.h>

#include <cstdint>
#include <istream>
#include <memory>
#include <sstream>

namespace sac::connectors {
namespace {

constexpr std::size_t kWriteChunk = 64 * 1024;

Poco::Timespan toSpan(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

MarketplaceError networkError(const std::string& what, const std::string& where) {
    return MarketplaceError::make(ErrorKind::Network, "network",
                                  "Could not reach the marketplace. Check the connection and try again.",
                                  what + " (" + where + ")");
}

MarketplaceError timeoutError(const std::string& what, const std::string& where) {
    return MarketplaceError::make(ErrorKind::Timeout, "timeout",
                                  "The marketplace did not answer in time. Try again in a few minutes.",
                                  what + " (" + where + ")");
}

MarketplaceError deadlineError(const std::string& step, const std::string& where) {
    return MarketplaceError::make(ErrorKind::Timeout, "deadline",
                                  "The marketplace did not answer in time. Try again in a few minutes.",
                                  "deadline passed while " + step + " (" + where + ")");
}

/// An HTTP session over a socket this transport connected (and, for https, on which it
/// completed the TLS handshake) itself. It never connects on its own: the checked address
/// is the only one it talks to.
class ConnectedSession final : public Poco::Net::HTTPClientSession {
public:
    ConnectedSession(const Poco::Net::StreamSocket& socket, bool tls) : HTTPClientSession(socket), _tls(tls) {}
    bool secure() const override { return _tls; }

protected:
    void connect(const Poco::Net::SocketAddress&) override {
        throw Poco::Net::ConnectionAbortedException("the connection of this request is gone");
    }
    int read(char* buffer, std::streamsize length) override {
        try {
            return HTTPClientSession::read(buffer, length);
        } catch (const Poco::Net::SSLConnectionUnexpectedlyClosedException&) {
            if (!_tls) throw;
            return 0; // as HTTPSClientSession: the length checks below catch a cut answer
        }
    }

private:
    bool _tls;
};

} // namespace

PocoHttpTransport::PocoHttpTransport() : PocoHttpTransport(Options{}) {}

PocoHttpTransport::PocoHttpTransport(Options options)
    : _options(std::move(options)), _watch(std::make_unique<detail::SocketWatch>()) {
    if (!_options.endpoints) _options.endpoints = std::make_shared<const EndpointPolicy>();
    try {
        _tls = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, _options.caLocation,
                                      Poco::Net::Context::VERIFY_RELAXED, 9, _options.caLocation.empty());
    } catch (const Poco::Exception& e) {
        _tlsError = e.displayText();
    } catch (const std::exception& e) {
        _tlsError = e.what();
    }
}

PocoHttpTransport::~PocoHttpTransport() = default;

Result<HttpResponse> PocoHttpTransport::send(const HttpRequest& request) {
    const Deadline deadline = request.deadline ? *request.deadline : Deadline::after(_options.defaultDeadline);
    const std::size_t maxBody = request.maxResponseBytes ? request.maxResponseBytes : _options.maxBodyBytes;

    auto checked = _options.endpoints->check(request.url, request.marketplaceNamed);
    if (!checked) return std::move(checked).error();
    const Endpoint& endpoint = checked.value();
    // Query strings may carry tokens: logs get scheme, host, port and path only.
    const std::string where = endpoint.origin() + endpoint.pathEtc.substr(0, endpoint.pathEtc.find('?'));
    const bool https = endpoint.scheme == "https";
    if (https && _tls.isNull()) return networkError("TLS context unavailable: " + _tlsError, where);

    // The request is built before any connection exists.
    Poco::Net::HTTPRequest req(request.method, endpoint.pathEtc, Poco::Net::HTTPMessage::HTTP_1_1);
    std::string body;
    try {
        req.setHost(endpoint.host, endpoint.port);
        req.set("User-Agent", _options.userAgent);
        req.set("Accept", "application/json, */*;q=0.5");
        for (const auto& [name, value] : request.headers) req.set(name, value);
        if (request.body == HttpRequest::Body::Form || request.body == HttpRequest::Body::Multipart) {
            Poco::Net::HTMLForm form(request.body == HttpRequest::Body::Form ? Poco::Net::HTMLForm::ENCODING_URL
                                                                             : Poco::Net::HTMLForm::ENCODING_MULTIPART);
            for (const auto& [name, value] : request.fields) form.add(name, value);
            for (const auto& f : request.files)
                form.addPart(f.fieldName, new Poco::Net::StringPartSource(f.bytes, f.contentType, f.fileName));
            form.prepareSubmit(req);
            std::ostringstream os;
            form.write(os);
            body = os.str();
        } else if (request.body == HttpRequest::Body::Raw) {
            body = request.rawBody;
            req.setContentType(request.rawContentType);
        }
        if (request.body != HttpRequest::Body::None || request.method == "POST" || request.method == "PUT") {
            req.setChunkedTransferEncoding(false);
            req.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        req.setKeepAlive(false);
    } catch (const Poco::Exception& e) {
        return MarketplaceError::make(ErrorKind::Rejected, "bad_request", "The request could not be prepared.",
                                      "building the request failed: " + e.displayText() + " (" + where + ")");
    }

    auto addresses = _options.endpoints->resolve(endpoint, deadline);
    if (!addresses) {
        MarketplaceError e = std::move(addresses).error();
        e.detail += " (" + where + ")";
        return e;
    }

    Poco::Net::StreamSocket socket;
    bool connected = false;
    MarketplaceError lastError = networkError("no address to connect to", where);
    for (const auto& address : addresses.value()) {
        if (deadline.expired()) return deadlineError("connecting", where);
        try {
            Poco::Net::StreamSocket s;
            s.connect(address, toSpan(deadline.cap(request.timeouts.connect)));
            socket = s;
            connected = true;
            break;
        } catch (const Poco::TimeoutException& e) {
            lastError = deadline.expired() ? deadlineError("connecting to " + address.toString(), where)
                                           : timeoutError("connecting to " + address.toString() + ": " + e.displayText(), where);
        } catch (const Poco::Exception& e) {
            lastError = networkError("connecting to " + address.toString() + ": " + e.displayText(), where);
        }
    }
    if (!connected) return lastError;

    detail::SocketWatch::Guard watch(*_watch, deadline, static_cast<int>(socket.impl()->sockfd()));
    const auto overdue = [&](const std::string& step) { return watch.fired() || deadline.expired() ? std::optional(deadlineError(step, where)) : std::nullopt; };
    std::string step = "connecting";
    try {
        socket.setNoDelay(true);
        socket.setReceiveTimeout(toSpan(deadline.cap(request.timeouts.read)));
        socket.setSendTimeout(toSpan(deadline.cap(request.timeouts.read)));
        std::unique_ptr<ConnectedSession> session;
        if (https) {
            step = "in the TLS handshake";
            Poco::Net::SecureStreamSocket tls = Poco::Net::SecureStreamSocket::attach(socket, endpoint.host, _tls);
            // A handshake cut by a timeout can return without having finished (and without
            // the host name check): a verified connection always has the server's certificate.
            if (!tls.havePeerCertificate()) {
                if (auto late = overdue(step)) return *late;
                return networkError("TLS handshake did not complete", where);
            }
            session = std::make_unique<ConnectedSession>(tls, true);
        } else {
            session = std::make_unique<ConnectedSession>(socket, false);
        }
        session->setKeepAlive(false);

        step = "sending the request";
        std::ostream& out = session->sendRequest(req);
        for (std::size_t off = 0; off < body.size() && out; off += kWriteChunk) {
            if (auto late = overdue(step)) return *late;
            socket.setSendTimeout(toSpan(deadline.cap(request.timeouts.read)));
            const std::size_t n = std::min(kWriteChunk, body.size() - off);
            out.write(body.data() + off, static_cast<std::streamsize>(n));
        }
        out.flush();
        if (!out) {
            if (auto late = overdue(step)) return *late;
            if (const auto* ex = session->networkException()) ex->rethrow();
            return networkError("sending the request failed", where);
        }

        step = "waiting for the answer";
        socket.setReceiveTimeout(toSpan(deadline.cap(request.timeouts.read)));
        Poco::Net::HTTPResponse resp;
        std::istream& in = session->receiveResponse(resp);
        HttpResponse result;
        result.status = static_cast<int>(resp.getStatus());
        result.reason = resp.getReason();
        for (const auto& [name, value] : resp) result.headers.emplace_back(name, value);
        const std::int64_t declared = resp.hasContentLength() ? resp.getContentLength64() : -1;  // -1: not said
        if (declared >= 0 && static_cast<std::uint64_t>(declared) > maxBody)
            return networkError("answer of " + std::to_string(declared) + " bytes is larger than " +
                                    std::to_string(maxBody) + " bytes",
                                where);

        step = "reading the answer";
        char buf[8192];
        while (in) {
            if (auto late = overdue(step)) return *late;
            socket.setReceiveTimeout(toSpan(deadline.cap(request.timeouts.read)));
            in.read(buf, sizeof buf);
            const auto n = in.gcount();
            if (n <= 0) break;
            if (result.body.size() + static_cast<std::size_t>(n) > maxBody)
                return networkError("answer larger than " + std::to_string(maxBody) + " bytes", where);
            result.body.append(buf, static_cast<std::size_t>(n));
        }
        // A shut-down socket looks like the end of the answer: what was cut by the deadline
        // is not an answer.
        if (auto late = overdue(step)) return *late;
        if (in.bad()) {
            if (const auto* ex = session->networkException()) ex->rethrow();
            return networkError("reading the answer failed", where);
        }
        if (declared >= 0 && static_cast<std::uint64_t>(declared) != result.body.size())
            return networkError("the answer ended after " + std::to_string(result.body.size()) + " of " +
                                    std::to_string(declared) + " bytes",
                                where);
        return result;
    } catch (const Poco::TimeoutException& e) {
        if (auto late = overdue(step)) return *late;
        return timeoutError(step + ": " + e.displayText(), where);
    } catch (const Poco::Net::SSLException& e) {
        if (auto late = overdue(step)) return *late;
        return networkError("TLS: " + e.displayText(), where);
    } catch (const Poco::Exception& e) {
        if (auto late = overdue(step)) return *late;
        return networkError(step + ": " + e.displayText(), where);
    } catch (const std::exception& e) {
        if (auto late = overdue(step)) return *late;
        return networkError(step + ": " + e.what(), where);
    }
}

} // namespace sac::connectors
