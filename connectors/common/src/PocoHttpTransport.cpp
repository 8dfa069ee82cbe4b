#include "sac/connectors/PocoHttpTransport.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <istream>
#include <memory>
#include <sstream>

namespace sac::connectors {
namespace {

Poco::Timespan toSpan(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

MarketplaceError networkError(const std::string& what, const std::string& where) {
    return MarketplaceError::make(ErrorKind::Network, "network",
                                  "Could not reach the marketplace. Check the connection and try again.",
                                  what + " (" + where + ")");
}

std::string redactedTarget(const Poco::URI& uri) {
    // Query strings may carry tokens: log scheme, host, port and path only.
    return uri.getScheme() + "://" + uri.getHost() + ":" + std::to_string(uri.getPort()) + uri.getPath();
}

} // namespace

PocoHttpTransport::PocoHttpTransport() : PocoHttpTransport(Options{}) {}

PocoHttpTransport::PocoHttpTransport(Options options) : _options(std::move(options)) {
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
    Poco::URI uri;
    try {
        uri = Poco::URI(request.url);
    } catch (const Poco::Exception& e) {
        return MarketplaceError::make(ErrorKind::Rejected, "bad_url", "The marketplace address is not valid.",
                                      "invalid URL: " + e.displayText());
    }
    const std::string where = redactedTarget(uri);
    const bool https = uri.getScheme() == "https";
    if (!https && uri.getScheme() != "http")
        return MarketplaceError::make(ErrorKind::Rejected, "bad_url", "The marketplace address is not valid.",
                                      "expected an http or https URL, got scheme \"" + uri.getScheme() + "\"");
    if (https && _tls.isNull())
        return networkError("TLS context unavailable: " + _tlsError, where);

    try {
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (https) session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), _tls);
        else session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
        session->setTimeout(toSpan(request.timeouts.connect), toSpan(request.timeouts.read), toSpan(request.timeouts.read));
        session->setKeepAlive(false);

        std::string path = uri.getPathEtc();
        if (path.empty()) path = "/";
        Poco::Net::HTTPRequest req(request.method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        req.set("User-Agent", _options.userAgent);
        req.set("Accept", "application/json, */*;q=0.5");
        for (const auto& [name, value] : request.headers) req.set(name, value);

        std::string body;
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

        std::ostream& out = session->sendRequest(req);
        out.write(body.data(), static_cast<std::streamsize>(body.size()));

        Poco::Net::HTTPResponse resp;
        std::istream& in = session->receiveResponse(resp);
        HttpResponse result;
        result.status = static_cast<int>(resp.getStatus());
        result.reason = resp.getReason();
        for (const auto& [name, value] : resp) result.headers.emplace_back(name, value);

        char buf[8192];
        while (in) {
            in.read(buf, sizeof buf);
            const auto n = in.gcount();
            if (n <= 0) break;
            if (result.body.size() + static_cast<std::size_t>(n) > _options.maxBodyBytes)
                return networkError("answer larger than " + std::to_string(_options.maxBodyBytes) + " bytes", where);
            result.body.append(buf, static_cast<std::size_t>(n));
        }
        if (in.bad()) return networkError("reading the answer failed", where);
        return result;
    } catch (const Poco::TimeoutException& e) {
        return MarketplaceError::make(ErrorKind::Timeout, "timeout",
                                      "The marketplace did not answer in time. Try again in a few minutes.",
                                      e.displayText() + " (" + where + ")");
    } catch (const Poco::Net::SSLException& e) {
        return networkError("TLS: " + e.displayText(), where);
    } catch (const Poco::Exception& e) {
        return networkError(e.displayText(), where);
    } catch (const std::exception& e) {
        return networkError(e.what(), where);
    }
}

} // namespace sac::connectors
