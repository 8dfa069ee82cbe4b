#include "sac/connectors/PocoHttpTransport.h"

#include "ConnectionPool.h"
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
#include <cstdio>
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
/// is the only one it talks to. It counts the bytes it reads, so that a failure before any
/// byte of an answer can be told from one in the middle of it.
class ConnectedSession final : public Poco::Net::HTTPClientSession {
public:
    ConnectedSession(const Poco::Net::StreamSocket& socket, bool tls) : HTTPClientSession(socket), _tls(tls) {}
    bool secure() const override { return _tls; }

    /// Starts counting the bytes of a new answer.
    void startAnswer() { _received = 0; }
    std::size_t received() const { return _received; }
    /// Bytes read from the socket but not consumed by the answer (none after a whole answer).
    int leftOver() const { return buffered(); }

protected:
    void connect(const Poco::Net::SocketAddress&) override {
        throw Poco::Net::ConnectionAbortedException("the connection of this request is gone");
    }
    int read(char* buffer, std::streamsize length) override {
        int n = 0;
        try {
            n = HTTPClientSession::read(buffer, length);
        } catch (const Poco::Net::SSLConnectionUnexpectedlyClosedException&) {
            if (!_tls) throw;
            return 0; // as HTTPSClientSession: the length checks below catch a cut answer
        }
        if (n > 0) _received += static_cast<std::size_t>(n);
        return n;
    }

private:
    bool _tls;
    std::size_t _received = 0;
};

/// "https://host:port|tls:<context>" or "http://host:port": what a pooled connection may serve.
std::string poolKey(const Endpoint& endpoint, const Poco::Net::Context* tls) {
    std::string key = endpoint.origin();
    if (endpoint.scheme == "https") {
        char id[32];
        std::snprintf(id, sizeof id, "|tls:%p", static_cast<const void*>(tls));
        key += id;
    }
    return key;
}

} // namespace

/// How one use of a connection ended.
struct PocoHttpTransport::Exchange {
    std::optional<HttpResponse> response;
    MarketplaceError error;
    bool keep = false;          ///< the connection may serve another request
    bool beforeAnswer = false;  ///< sending failed or the server closed before any byte of the answer
};

PocoHttpTransport::PocoHttpTransport() : PocoHttpTransport(Options{}) {}

PocoHttpTransport::PocoHttpTransport(Options options)
    : _options(std::move(options)), _watch(std::make_unique<detail::SocketWatch>()) {
    if (!_options.endpoints) _options.endpoints = std::make_shared<const EndpointPolicy>();
    _pool = std::make_unique<detail::ConnectionPool>(
        detail::ConnectionPool::Limits{_options.maxIdlePerOrigin, _options.maxIdleTotal, _options.idleTimeout});
    try {
        _tls = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, _options.caLocation,
                                      Poco::Net::Context::VERIFY_RELAXED, 9, _options.caLocation.empty());
    } catch (const Poco::Exception& e) {
        _tlsError = e.displayText();
    } catch (const std::exception& e) {
        _tlsError = e.what();
    }
}

// The pool goes first: its sessions may still use the TLS context.
PocoHttpTransport::~PocoHttpTransport() { _pool.reset(); }

std::size_t PocoHttpTransport::idleConnections() const { return _pool->idle(); }

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
        req.setKeepAlive(_options.keepAlive);
    } catch (const Poco::Exception& e) {
        return MarketplaceError::make(ErrorKind::Rejected, "bad_request", "The request could not be prepared.",
                                      "building the request failed: " + e.displayText() + " (" + where + ")");
    }

    const std::string key = poolKey(endpoint, https ? _tls.get() : nullptr);
    const bool mayReuse = _options.keepAlive && request.safeToResend;
    for (int attempt = 0;; ++attempt) {
        // The first attempt of a request that may be sent twice takes an idle connection of
        // the same origin; a second attempt (only after a reused one failed before any byte
        // of the answer) and every other request connect afresh.
        std::unique_ptr<detail::PooledConnection> connection = mayReuse && attempt == 0 ? _pool->take(key) : nullptr;
        const bool reused = connection != nullptr;
        if (!connection) {
            // Resolved once, within the deadline, every address checked; the transport
            // connects to a checked address itself, so the name is never looked up twice.
            auto addresses = _options.endpoints->resolve(endpoint, deadline);
            if (!addresses) {
                MarketplaceError e = std::move(addresses).error();
                e.detail += " (" + where + ")";
                e.notSent = attempt == 0;  // a second attempt follows one that may have been sent
                return e;
            }
            connection = std::make_unique<detail::PooledConnection>();
            bool connected = false;
            MarketplaceError lastError = networkError("no address to connect to", where);
            for (const auto& address : addresses.value()) {
                if (deadline.expired()) {
                    MarketplaceError e = deadlineError("connecting", where);
                    e.notSent = attempt == 0;
                    return e;
                }
                try {
                    Poco::Net::StreamSocket s;
                    s.connect(address, toSpan(deadline.cap(request.timeouts.connect)));
                    connection->socket = s;
                    connected = true;
                    break;
                } catch (const Poco::TimeoutException& e) {
                    lastError = deadline.expired() ? deadlineError("connecting to " + address.toString(), where)
                                                   : timeoutError("connecting to " + address.toString() + ": " + e.displayText(), where);
                } catch (const Poco::Exception& e) {
                    lastError = networkError("connecting to " + address.toString() + ": " + e.displayText(), where);
                }
            }
            if (!connected) {
                lastError.notSent = attempt == 0; // no connection: not a byte of the request left
                return lastError;
            }
        }

        Exchange done = exchange(*connection, endpoint, request, req, body, deadline, maxBody, where);
        if (done.response) {
            ++connection->requests;
            if (done.keep && _options.keepAlive) _pool->put(key, std::move(connection));
            return std::move(*done.response);
        }
        if (reused && done.beforeAnswer && request.safeToResend && attempt == 0 && !deadline.expired()) continue;
        return done.error;
    }
}

PocoHttpTransport::Exchange PocoHttpTransport::exchange(detail::PooledConnection& connection, const Endpoint& endpoint,
                                                        const HttpRequest& request, Poco::Net::HTTPRequest& req,
                                                        const std::string& body, const Deadline& deadline,
                                                        std::size_t maxBody, const std::string& where) {
    Exchange done;
    const auto fail = [&](MarketplaceError e) {
        done.error = std::move(e);
        return std::move(done);
    };
    Poco::Net::StreamSocket& socket = connection.socket;
    detail::SocketWatch::Guard watch(*_watch, deadline, static_cast<int>(socket.impl()->sockfd()));
    const auto overdue = [&](const std::string& step) { return watch.fired() || deadline.expired() ? std::optional(deadlineError(step, where)) : std::nullopt; };
    ConnectedSession* session = static_cast<ConnectedSession*>(connection.session.get());
    std::string step = session ? "reusing the connection" : "connecting";
    // Sending failed, or the connection ended before any byte of the answer: on a reused
    // connection the server most likely closed it while it was idle.
    const auto nothingAnswered = [&] {
        return !watch.fired() && session && session->received() == 0 &&
               (step == "reusing the connection" || step == "sending the request" || step == "waiting for the answer");
    };
    try {
        // Every use starts from the time left: a reused socket keeps no older timeouts.
        socket.setReceiveTimeout(toSpan(deadline.cap(request.timeouts.read)));
        socket.setSendTimeout(toSpan(deadline.cap(request.timeouts.read)));
        if (!session) {
            socket.setNoDelay(true);
            std::unique_ptr<ConnectedSession> fresh;
            if (endpoint.scheme == "https") {
                step = "in the TLS handshake";
                Poco::Net::SecureStreamSocket tls = Poco::Net::SecureStreamSocket::attach(socket, endpoint.host, _tls);
                // A handshake cut by a timeout can return without having finished (and without
                // the host name check): a verified connection always has the server's certificate.
                if (!tls.havePeerCertificate()) {
                    if (auto late = overdue(step)) return fail(*late);
                    return fail(networkError("TLS handshake did not complete", where));
                }
                fresh = std::make_unique<ConnectedSession>(tls, true);
            } else {
                fresh = std::make_unique<ConnectedSession>(socket, false);
            }
            fresh->setKeepAlive(_options.keepAlive);
            session = fresh.get();
            connection.session = std::move(fresh);
        }
        session->startAnswer();

        step = "sending the request";
        std::ostream& out = session->sendRequest(req);
        for (std::size_t off = 0; off < body.size() && out; off += kWriteChunk) {
            if (auto late = overdue(step)) return fail(*late);
            socket.setSendTimeout(toSpan(deadline.cap(request.timeouts.read)));
            const std::size_t n = std::min(kWriteChunk, body.size() - off);
            out.write(body.data() + off, static_cast<std::streamsize>(n));
        }
        out.flush();
        if (!out) {
            if (auto late = overdue(step)) return fail(*late);
            done.beforeAnswer = nothingAnswered();
            if (const auto* ex = session->networkException()) ex->rethrow();
            return fail(networkError("sending the request failed", where));
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
            return fail(networkError("answer of " + std::to_string(declared) + " bytes is larger than " +
                                         std::to_string(maxBody) + " bytes",
                                     where));

        step = "reading the answer";
        char buf[8192];
        while (in) {
            if (auto late = overdue(step)) return fail(*late);
            socket.setReceiveTimeout(toSpan(deadline.cap(request.timeouts.read)));
            in.read(buf, sizeof buf);
            const auto n = in.gcount();
            if (n <= 0) break;
            if (result.body.size() + static_cast<std::size_t>(n) > maxBody)
                return fail(networkError("answer larger than " + std::to_string(maxBody) + " bytes", where));
            result.body.append(buf, static_cast<std::size_t>(n));
        }
        // A shut-down socket looks like the end of the answer: what was cut by the deadline
        // is not an answer.
        if (auto late = overdue(step)) return fail(*late);
        if (in.bad()) {
            if (const auto* ex = session->networkException()) ex->rethrow();
            return fail(networkError("reading the answer failed", where));
        }
        if (declared >= 0 && static_cast<std::uint64_t>(declared) != result.body.size())
            return fail(networkError("the answer ended after " + std::to_string(result.body.size()) + " of " +
                                         std::to_string(declared) + " bytes",
                                     where));
        // Reusable only when the answer's end was known (a length, the last chunk, or no body
        // by definition), every byte of it was consumed and the server keeps the connection.
        const bool noBody = req.getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD || result.status < 200 ||
                            result.status == 204 || result.status == 304;
        done.keep = resp.getKeepAlive() && (noBody || declared >= 0 || resp.getChunkedTransferEncoding()) &&
                    session->leftOver() == 0 && session->networkException() == nullptr;
        done.response = std::move(result);
        return done;
    } catch (const Poco::TimeoutException& e) {
        if (auto late = overdue(step)) return fail(*late);
        return fail(timeoutError(step + ": " + e.displayText(), where));
    } catch (const Poco::Net::SSLException& e) {
        if (auto late = overdue(step)) return fail(*late);
        done.beforeAnswer = nothingAnswered();
        return fail(networkError("TLS: " + e.displayText(), where));
    } catch (const Poco::Exception& e) {
        if (auto late = overdue(step)) return fail(*late);
        done.beforeAnswer = nothingAnswered();
        return fail(networkError(step + ": " + e.displayText(), where));
    } catch (const std::exception& e) {
        if (auto late = overdue(step)) return fail(*late);
        done.beforeAnswer = nothingAnswered();
        return fail(networkError(step + ": " + e.what(), where));
    }
}

} // namespace sac::connectors
