#include "services/SmtpRelay.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

namespace sac::services {
namespace {

using Clock = std::chrono::steady_clock;

Poco::Timespan span(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

std::optional<int> parseInt(const std::string& text, int lo, int hi) {
    int v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi) return std::nullopt;
    return v;
}

std::string firstLine(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

/// "550 5.1.1" of a reply: its code and enhanced status code, nothing the
/// relay wrote after them (replies often repeat the recipient's address).
std::string replyCode(int status, const std::string& response) {
    std::string out = std::to_string(status);
    std::size_t i = 0;
    while (i < response.size() && std::isdigit(static_cast<unsigned char>(response[i]))) ++i;
    while (i < response.size() && (response[i] == ' ' || response[i] == '-')) ++i;
    std::size_t j = i;
    while (j < response.size() && (std::isdigit(static_cast<unsigned char>(response[j])) || response[j] == '.')) ++j;
    const std::string enhanced = response.substr(i, j - i);
    if (enhanced.size() >= 5 && std::count(enhanced.begin(), enhanced.end(), '.') == 2) out += " " + enhanced;
    return out;
}

/// The reply code of an SMTPException (Poco keeps it as the code; else the message's first digits).
int statusOf(const Poco::Exception& e) {
    if (e.code() >= 200 && e.code() < 600) return e.code();
    const std::string text = e.message();
    for (std::size_t i = 0; i + 3 <= text.size(); ++i) {
        if (std::isdigit(static_cast<unsigned char>(text[i])) && std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isdigit(static_cast<unsigned char>(text[i + 2])) &&
            (i == 0 || !std::isdigit(static_cast<unsigned char>(text[i - 1]))))
            return std::stoi(text.substr(i, 3));
    }
    return 0;
}

/// Poco's client with STARTTLS that names the relay's host (for the certificate check).
class Session : public Poco::Net::SMTPClientSession {
public:
    explicit Session(const Poco::Net::StreamSocket& socket) : SMTPClientSession(socket) {}

    /// STARTTLS; false when the relay does not take it. Throws on a failed handshake.
    bool startTls(const std::string& host, Poco::Net::Context::Ptr context) {
        std::string response;
        if (!isPositiveCompletion(sendCommand("STARTTLS", response))) return false;
        Poco::Net::SecureStreamSocket secure(Poco::Net::SecureStreamSocket::attach(socket(), host, context));
        socket() = secure;
        return true;
    }

    /// One command; its status and reply.
    int command(const std::string& line, std::string& response) { return sendCommand(line, response); }

    static bool ok(int status) { return isPositiveCompletion(status); }
    static bool intermediate(int status) { return isPositiveIntermediate(status); }
    static bool permanent(int status) { return isPermanentNegative(status); }
};

RelayResult retry(std::string detail) { return RelayResult{RelayOutcome::Retry, std::move(detail)}; }

} // namespace

const char* toCode(SmtpSecurity s) {
    switch (s) {
    case SmtpSecurity::None: return "none";
    case SmtpSecurity::Smtps: return "smtps";
    case SmtpSecurity::StartTls: break;
    }
    return "starttls";
}

std::uint16_t SmtpSettings::effectivePort() const {
    if (port) return port;
    switch (security) {
    case SmtpSecurity::None: return 25;
    case SmtpSecurity::Smtps: return 465;
    case SmtpSecurity::StartTls: break;
    }
    return 587;
}

domain::Result<SmtpSettings> readSmtpSettings(const std::function<std::string(const char*, const std::string&)>& get) {
    using R = domain::Result<SmtpSettings>;
    SmtpSettings s;
    s.host = get("smtp_host", "");
    while (!s.host.empty() && s.host.back() == ' ') s.host.pop_back();
    if (s.host.empty()) return R::ok(s);
    if (s.host.size() > 253 || s.host.find_first_of(" /\\@:\"'<>") != std::string::npos)
        return R::fail("expected setting smtp_host as a host name or address, got \"" + s.host.substr(0, 80) + "\"");
    const std::string security = get("smtp_security", "starttls");
    if (security == "none") s.security = SmtpSecurity::None;
    else if (security == "starttls") s.security = SmtpSecurity::StartTls;
    else if (security == "smtps") s.security = SmtpSecurity::Smtps;
    else return R::fail("expected setting smtp_security as none, starttls or smtps, got \"" + security.substr(0, 40) + "\"");
    const std::string port = get("smtp_port", "0");
    auto p = parseInt(port, 0, 65535);
    if (!p) return R::fail("expected setting smtp_port between 0 and 65535 (0 = by smtp_security), got \"" +
                           port.substr(0, 40) + "\"");
    s.port = static_cast<std::uint16_t>(*p);
    s.user = get("smtp_user", "");
    s.password = get("smtp_password", "");
    if (const std::string file = get("smtp_password_file", ""); !file.empty()) {
        s.password = firstLine(file);
        if (s.password.empty())
            return R::fail("expected setting smtp_password_file to name a readable file holding the password, got " +
                           file.substr(0, 200));
    }
    if (!s.user.empty() && s.security == SmtpSecurity::None)
        return R::fail("expected setting smtp_security starttls or smtps with smtp_user: the password is never sent "
                       "over an unencrypted connection");
    const std::string from = get("smtp_from", "");
    auto parsed = parseMailbox(from);
    if (!parsed)
        return R::fail("expected setting smtp_from as an address (\"SAC <sac@loja.example>\" or "
                       "\"sac@loja.example\"), got \"" + from.substr(0, 120) + "\"");
    s.from = *parsed;
    s.caFile = get("smtp_ca_file", "");
    if (!s.caFile.empty() && !std::ifstream(s.caFile))
        return R::fail("expected setting smtp_ca_file to name a readable PEM file, got " + s.caFile.substr(0, 200));
    s.helo = get("smtp_helo", "");
    if (s.helo.empty()) {
        try {
            s.helo = Poco::Net::DNS::hostName();
        } catch (const Poco::Exception&) {
        }
    }
    if (s.helo.empty() || s.helo.find_first_of(" \r\n") != std::string::npos) s.helo = "localhost";
    const std::string timeout = get("smtp_timeout_seconds", "30");
    auto t = parseInt(timeout, 1, 300);
    if (!t) return R::fail("expected setting smtp_timeout_seconds between 1 and 300, got \"" + timeout.substr(0, 40) + "\"");
    s.ioTimeout = std::chrono::seconds(*t);
    s.connectTimeout = std::chrono::seconds(std::min(*t, 15));
    return R::ok(s);
}

std::string SmtpRelay::describe() const {
    return _s.host + ":" + std::to_string(_s.effectivePort()) + " (" + toCode(_s.security) + ")";
}

std::vector<RelayResult> SmtpRelay::send(const std::vector<RelayMail>& mails, Clock::time_point deadline,
                                         const std::function<bool()>& stop) {
    std::vector<RelayResult> results(mails.size(), retry("not attempted"));
    if (mails.empty()) return results;
    auto failAll = [&](std::size_t from, const std::string& detail) {
        for (std::size_t i = from; i < results.size(); ++i) results[i] = retry(detail);
    };
    std::unique_ptr<Session> session;
    std::string step = "connect";
    try {
        Poco::Net::Context::Ptr context;
        if (_s.security != SmtpSecurity::None)
            context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, _s.caFile,
                                             Poco::Net::Context::VERIFY_RELAXED, 9, _s.caFile.empty());
        Poco::Net::StreamSocket plain;
        plain.connect(Poco::Net::SocketAddress(_s.host, _s.effectivePort()), span(_s.connectTimeout));
        plain.setReceiveTimeout(span(_s.ioTimeout));
        plain.setSendTimeout(span(_s.ioTimeout));
        if (_s.security == SmtpSecurity::Smtps) {
            step = "tls";
            Poco::Net::SecureStreamSocket secure = Poco::Net::SecureStreamSocket::attach(plain, _s.host, context);
            secure.setReceiveTimeout(span(_s.ioTimeout));
            secure.setSendTimeout(span(_s.ioTimeout));
            session = std::make_unique<Session>(secure);
        } else {
            session = std::make_unique<Session>(plain);
        }
        session->setTimeout(span(_s.ioTimeout));
        step = "greeting";
        session->login(_s.helo);
        if (_s.security == SmtpSecurity::StartTls) {
            step = "starttls";
            if (!session->startTls(_s.host, context)) {
                failAll(0, "starttls: the relay does not offer STARTTLS");
                try {
                    session->close();
                } catch (...) {
                }
                return results;
            }
            session->setTimeout(span(_s.ioTimeout));
        }
        step = _s.user.empty() ? "ehlo" : "auth";
        if (_s.user.empty()) session->login(_s.helo);
        else session->login(_s.helo, Poco::Net::SMTPClientSession::AUTH_PLAIN, _s.user, _s.password);
    } catch (const Poco::Net::SMTPException& e) {
        failAll(0, step + ": refused (" + std::to_string(statusOf(e)) + ")");
        return results;
    } catch (const Poco::TimeoutException&) {
        failAll(0, step + ": timed out");
        return results;
    } catch (const Poco::Net::SSLException& e) {
        failAll(0, step + ": TLS failed (" + e.displayText().substr(0, 200) + ")");
        return results;
    } catch (const Poco::Exception& e) {
        failAll(0, step + ": " + e.displayText().substr(0, 200));
        return results;
    } catch (const std::exception& e) {
        failAll(0, step + ": " + std::string(e.what()).substr(0, 200));
        return results;
    }

    const std::string from = "<" + _s.from.address + ">";
    for (std::size_t i = 0; i < mails.size(); ++i) {
        if (Clock::now() >= deadline) {
            failAll(i, "the batch ran out of time");
            break;
        }
        if (stop && stop()) {
            failAll(i, "the host is stopping");
            break;
        }
        std::string response;
        std::string where = "mail from";
        try {
            int status = session->command("MAIL FROM:" + from, response);
            if (Session::ok(status)) {
                where = "rcpt to";
                status = session->command("RCPT TO:<" + mails[i].recipient + ">", response);
            }
            if (Session::ok(status)) {
                where = "data";
                status = session->command("DATA", response);
                if (Session::intermediate(status)) {
                    std::istringstream body(mails[i].message);
                    session->sendMessage(body); // dot-stuffed, ends with CRLF.CRLF; throws unless 2xx
                    results[i] = RelayResult{RelayOutcome::Sent, ""};
                    continue;
                }
            }
            results[i] = RelayResult{Session::permanent(status) ? RelayOutcome::Refused : RelayOutcome::Retry,
                                     where + ": " + replyCode(status, response)};
            if (!Session::ok(session->command("RSET", response))) {
                failAll(i + 1, "rset: refused");
                break;
            }
        } catch (const Poco::Net::SMTPException& e) {
            const int status = statusOf(e);
            results[i] = RelayResult{status >= 500 && status < 600 ? RelayOutcome::Refused : RelayOutcome::Retry,
                                     "end of data: " + std::to_string(status)};
            try {
                if (!Session::ok(session->command("RSET", response))) {
                    failAll(i + 1, "rset: refused");
                    break;
                }
            } catch (...) {
                failAll(i + 1, "the connection broke");
                break;
            }
        } catch (const Poco::TimeoutException&) {
            failAll(i, where + ": timed out");
            break;
        } catch (const Poco::Exception& e) {
            failAll(i, where + ": " + e.displayText().substr(0, 200));
            break;
        } catch (const std::exception& e) {
            failAll(i, where + ": " + std::string(e.what()).substr(0, 200));
            break;
        }
    }
    try {
        session->close();
    } catch (...) {
    }
    return results;
}

} // namespace sac::services
