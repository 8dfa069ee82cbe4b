#pragma once

#include "sac/amazon/Mailbox.h"

namespace sac::amazon {

/// IMAP4rev1 over implicit TLS (IMAPS), the small subset needed to poll an inbox:
/// LOGIN, SELECT INBOX, UID SEARCH ALL, UID FETCH (UID RFC822.SIZE / BODY.PEEK[]) with literal
/// handling, UID STORE +FLAGS.SILENT (\Deleted), EXPUNGE, LOGOUT. Fetching does not set \Seen.
/// Message ids are "<uidvalidity>:<uid>"; list() returns them in UID order (oldest first);
/// fetch() and deleteMessages() ignore ids of another UIDVALIDITY (the mailbox was
/// recreated, so those numbers name other messages).
class ImapMailbox final : public Mailbox {
public:
    explicit ImapMailbox(MailboxSettings settings, std::string folder = "INBOX")
        : _settings(std::move(settings)), _folder(std::move(folder)) {}

    const MailboxSettings& settings() const override { return _settings; }
    /// "imaps://<user>@<host>:<port>/<folder>".
    std::string key() const override;
    connectors::Result<std::vector<MessageInfo>> list() override;
    connectors::Result<FetchResult> fetch(const std::vector<std::string>& ids) override;
    connectors::Result<std::size_t> deleteMessages(const std::vector<std::string>& ids) override;

private:
    MailboxSettings _settings;
    std::string _folder;
};

} // namespace sac::amazon
