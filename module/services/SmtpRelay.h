// Handing finished e-mails to the operator's SMTP relay.
//
// MailRelay is what the outbox sender talks to (a fake in tests); SmtpRelay
// is the real one, over Poco's SMTP client: plain SMTP, STARTTLS (required
// once configured: a relay that does not offer it gets nothing) or SMTPS
// (TLS from the first byte), with AUTH PLAIN after TLS. Certificates are
// verified (the system's CAs or smtp_ca_file) and must name the relay's
// host. One connection per batch; every read and write has a timeout and the
// batch a total deadline. Nothing here logs; results carry short details
// for the log that never hold the password, the message or its addresses.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "domain/Result.h"
#include "services/OutboundMail.h"

namespace sac::services {

/// One e-mail for the relay.
struct RelayMail {
    std::int64_t id = 0;   ///< the outbox row, for the caller
    std::string recipient; ///< envelope recipient
    std::string message;   ///< the whole message, CRLF line ends
};

enum class RelayOutcome {
    Sent,    ///< the relay accepted it (2xx after the data)
    Retry,   ///< not sent: the relay is down, refused it for now (4xx), or time ran out
    Refused, ///< the relay refused this message for good (5xx to its recipient or data)
};

struct RelayResult {
    RelayOutcome outcome = RelayOutcome::Retry;
    std::string detail; ///< for the log: "connect: Connection refused", "550 5.1.1"
};

class MailRelay {
public:
    virtual ~MailRelay() = default;
    /// Sends the mails in order, one result per mail (in the same order).
    /// Mails not attempted (the connection failed, the deadline passed,
    /// stop() returned true) are Retry. Never throws. Thread-safe.
    virtual std::vector<RelayResult> send(const std::vector<RelayMail>& mails,
                                          std::chrono::steady_clock::time_point deadline,
                                          const std::function<bool()>& stop) = 0;
    /// "smtp.example.com:587 (starttls)", for log lines.
    virtual std::string describe() const = 0;
};

enum class SmtpSecurity { None, StartTls, Smtps };

/// "none", "starttls", "smtps".
const char* toCode(SmtpSecurity s);

/// The relay's settings (module settings smtp_*).
struct SmtpSettings {
    std::string host;        ///< empty = no relay (alerts off)
    std::uint16_t port = 0;  ///< 0 = 25, 587 or 465 by security
    SmtpSecurity security = SmtpSecurity::StartTls;
    std::string user;        ///< empty = no AUTH
    std::string password;
    MailAddress from;        ///< From: and the envelope sender
    std::string caFile;      ///< PEM to trust instead of the system's CAs
    std::string helo;        ///< the EHLO name
    std::chrono::milliseconds connectTimeout{15'000};
    std::chrono::milliseconds ioTimeout{30'000};

    std::uint16_t effectivePort() const;
};

/// Reads the settings through get(key, fallback); fails with one line naming
/// the setting on a bad value (security not none/starttls/smtps, port or
/// timeouts out of range, smtp_from not an address, AUTH over plain text,
/// an unreadable smtp_password_file). host empty = ok with no relay.
domain::Result<SmtpSettings> readSmtpSettings(const std::function<std::string(const char*, const std::string&)>& get);

class SmtpRelay : public MailRelay {
public:
    explicit SmtpRelay(SmtpSettings settings) : _s(std::move(settings)) {}
    std::vector<RelayResult> send(const std::vector<RelayMail>& mails, std::chrono::steady_clock::time_point deadline,
                                  const std::function<bool()>& stop) override;
    std::string describe() const override;

private:
    SmtpSettings _s;
};

} // namespace sac::services
