#pragma once
// Line-oriented TLS client socket for the POP3 and IMAP clients (not public API).

#include "sac/amazon/Mailbox.h"

#include <Poco/Net/SecureStreamSocket.h>

#include <memory>
#include <string>

namespace sac::amazon::detail {

class MailSocket {
public:
    /// Connects (TCP with connectTimeout, then the TLS handshake), sets ioTimeout for reads and writes.
    static connectors::Result<std::unique_ptr<MailSocket>> open(const MailboxSettings& settings, const std::string& protocol);

    /// One line without its CRLF/LF; longer than maxLine → Malformed.
    connectors::Result<std::string> readLine(std::size_t maxLine = 1u << 20);
    /// Exactly n bytes.
    connectors::Result<std::string> readExact(std::size_t n);
    /// Sends `data` as is (error details never include it).
    connectors::Result<bool> write(const std::string& data);
    void close() noexcept;

    const std::string& where() const { return _where; }

private:
    MailSocket() = default;
    connectors::Result<bool> fill();
    connectors::MarketplaceError ioError(const std::string& what) const;

    Poco::Net::SecureStreamSocket _socket;
    std::string _buffer;
    std::size_t _pos = 0;
    std::string _where;  // "pop3 mail.example.com:995"
};

} // namespace sac::amazon::detail
