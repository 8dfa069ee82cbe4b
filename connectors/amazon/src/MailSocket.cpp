#include "MailSocket.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

namespace sac::amazon::detail {

using connectors::ErrorKind;
using connectors::MarketplaceError;
using connectors::Result;

namespace {

Poco::Timespan span(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

} // namespace

Result<std::unique_ptr<MailSocket>> MailSocket::open(const MailboxSettings& s, const std::string& protocol) {
    std::unique_ptr<MailSocket> m(new MailSocket());
    m->_where = protocol + " " + s.host + ":" + std::to_string(s.port);
    if (s.host.empty() || s.port == 0)
        return MarketplaceError::make(ErrorKind::Rejected, "mailbox_settings",
                                      "The mailbox server name and port must be filled in.", m->_where + ": no host or port");
    try {
        Poco::Net::Context::Ptr context = new Poco::Net::Context(
            Poco::Net::Context::TLS_CLIENT_USE, s.caFile,
            Poco::Net::Context::VERIFY_RELAXED, 9,
            s.caFile.empty());
        if (!s.verifyHostName) context->enableExtendedCertificateVerification(false);
        Poco::Net::StreamSocket plain;
        plain.connect(Poco::Net::SocketAddress(s.host, s.port), span(s.connectTimeout));
        plain.setReceiveTimeout(span(s.ioTimeout));
        plain.setSendTimeout(span(s.ioTimeout));
        m->_socket = Poco::Net::SecureStreamSocket::attach(plain, s.host, context);
        m->_socket.setReceiveTimeout(span(s.ioTimeout));
        m->_socket.setSendTimeout(span(s.ioTimeout));
    } catch (const Poco::TimeoutException& e) {
        return MarketplaceError::make(ErrorKind::Timeout, "timeout", "The mail server did not answer in time.",
                                      m->_where + ": connect timed out: " + e.displayText());
    } catch (const Poco::Net::SSLException& e) {
        return MarketplaceError::make(ErrorKind::Network, "tls",
                                      "The secure connection to the mail server failed (is the certificate trusted?).",
                                      m->_where + ": TLS handshake failed: " + e.displayText());
    } catch (const Poco::Exception& e) {
        return MarketplaceError::make(ErrorKind::Network, "connect", "Could not connect to the mail server.",
                                      m->_where + ": " + e.displayText());
    } catch (const std::exception& e) {
        return MarketplaceError::make(ErrorKind::Network, "connect", "Could not connect to the mail server.",
                                      m->_where + ": " + e.what());
    }
    return m;
}

MarketplaceError MailSocket::ioError(const std::string& what) const {
    return MarketplaceError::make(ErrorKind::Network, "io", "The connection to the mail server broke.", _where + ": " + what);
}

Result<bool> MailSocket::fill() {
    if (_pos > 0 && _pos >= _buffer.size()) {
        _buffer.clear();
        _pos = 0;
    } else if (_pos > (1u << 20)) {
        _buffer.erase(0, _pos);
        _pos = 0;
    }
    char buf[16384];
    try {
        const int n = _socket.receiveBytes(buf, sizeof buf);
        if (n <= 0) return ioError("connection closed by the server");
        _buffer.append(buf, static_cast<std::size_t>(n));
        return true;
    } catch (const Poco::TimeoutException& e) {
        return MarketplaceError::make(ErrorKind::Timeout, "timeout", "The mail server stopped answering.",
                                      _where + ": read timed out");
    } catch (const Poco::Exception& e) {
        return ioError("read failed: " + e.displayText());
    } catch (const std::exception& e) {
        return ioError(std::string("read failed: ") + e.what());
    }
}

Result<std::string> MailSocket::readLine(std::size_t maxLine) {
    for (;;) {
        const std::size_t nl = _buffer.find('\n', _pos);
        if (nl != std::string::npos) {
            std::string line = _buffer.substr(_pos, nl - _pos);
            _pos = nl + 1;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.size() > maxLine)
                return MarketplaceError::malformed(_where + ": server line longer than " + std::to_string(maxLine) + " bytes");
            return line;
        }
        if (_buffer.size() - _pos > maxLine)
            return MarketplaceError::malformed(_where + ": server line longer than " + std::to_string(maxLine) + " bytes");
        auto f = fill();
        if (!f) return std::move(f).error();
    }
}

Result<std::string> MailSocket::readExact(std::size_t n) {
    while (_buffer.size() - _pos < n) {
        auto f = fill();
        if (!f) return std::move(f).error();
    }
    std::string out = _buffer.substr(_pos, n);
    _pos += n;
    return out;
}

Result<bool> MailSocket::write(const std::string& data) {
    try {
        std::size_t sent = 0;
        while (sent < data.size()) {
            const int n = _socket.sendBytes(data.data() + sent, static_cast<int>(data.size() - sent));
            if (n <= 0) return ioError("write failed");
            sent += static_cast<std::size_t>(n);
        }
        return true;
    } catch (const Poco::TimeoutException&) {
        return MarketplaceError::make(ErrorKind::Timeout, "timeout", "The mail server stopped answering.",
                                      _where + ": write timed out");
    } catch (const Poco::Exception& e) {
        return ioError("write failed: " + e.displayText());
    }
}

void MailSocket::close() noexcept {
    try {
        _socket.close();
    } catch (...) {
    }
}

} // namespace sac::amazon::detail
