#pragma once

#include "sac/amazon/Mailbox.h"

namespace sac::amazon {

/// POP3 over implicit TLS (POP3S): USER/PASS, UIDL, LIST, RETR, DELE, QUIT.
/// Message ids are the server's UIDL values; list() is UIDL + LIST (message-number order,
/// oldest first). Deletions take effect at QUIT, so a broken connection deletes nothing.
class Pop3Mailbox final : public Mailbox {
public:
    explicit Pop3Mailbox(MailboxSettings settings) : _settings(std::move(settings)) {}

    const MailboxSettings& settings() const override { return _settings; }
    /// "pop3s://<user>@<host>:<port>".
    std::string key() const override;
    connectors::Result<std::vector<MessageInfo>> list() override;
    connectors::Result<FetchResult> fetch(const std::vector<std::string>& ids) override;
    connectors::Result<std::size_t> deleteMessages(const std::vector<std::string>& ids) override;

private:
    MailboxSettings _settings;
};

} // namespace sac::amazon
