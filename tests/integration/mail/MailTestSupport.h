// Helpers shared by the inbound-mail integration tests: the private Dovecot
// started by dovecot.sh, maildir delivery, forwarded Amazon answers, a
// sac-host subprocess with its own SQLite database, and child processes fed
// on stdin.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sac/test/TempDir.h>

namespace sac::mailtest {

/// What dovecot.sh wrote into DIR/ports.
struct DovecotServer {
    std::uint16_t imaps = 0;
    std::uint16_t pop3s = 0;
    std::string user, password, cert, maildir;
};

/// Reads dir + "/ports"; throws std::runtime_error naming the fixture when it is missing.
DovecotServer readDovecot(const std::string& dir);

/// Removes every message file from maildir/new and maildir/cur.
void clearMaildir(const std::string& maildir);

/// Delivers text as one message (written to tmp/, renamed into new/, readable by Dovecot).
void deliver(const std::string& maildir, const std::string& fileName, const std::string& text);

/// Message files in maildir/new and maildir/cur.
std::size_t maildirCount(const std::string& maildir);

/// A message that `from` forwarded, as Gmail writes it, carrying an answer of
/// `amazonFrom`. Line ends are CRLF.
std::string forwardedAnswer(const std::string& from, const std::string& subject, const std::string& messageId,
                            const std::string& body = "We have reimbursed 2 units.",
                            const std::string& amazonFrom = "seller-support@amazon.com");

/// A free TCP port on 127.0.0.1 (nothing listens on it when this returns).
std::uint16_t freePort();

/// The result of a finished child process.
struct ProcessRun {
    int rc = -1;
    std::string out;
    std::string err;
};

/// Runs program with args, writes input to its stdin (then closes it), and
/// waits for it. env entries are added to the environment.
ProcessRun runProcess(const std::string& program, const std::vector<std::string>& args, const std::string& input = {},
                      const std::map<std::string, std::string>& env = {});

/// A sac-host process with the SAC module on a fresh SQLite database in a
/// temp folder; the host's log goes to logFile().
class HostProcess {
public:
    /// settings: extra "key = value" lines for the configuration file
    /// (e.g. "modules.sac.inbound_mail_token").
    HostProcess(std::string hostBin, std::string modulesDir, std::map<std::string, std::string> settings);
    ~HostProcess();
    HostProcess(const HostProcess&) = delete;
    HostProcess& operator=(const HostProcess&) = delete;

    /// Runs an admin command (--create-account=..., --create-user=...) with the
    /// configuration; throws std::runtime_error with its stderr when it fails.
    std::string admin(std::vector<std::string> args);
    /// Creates an account and returns its id.
    std::int64_t createAccount(const std::string& name);
    /// Creates an active user of the account (password from SAC_PASSWORD).
    void createUser(const std::string& login, const std::string& account, const std::string& email);
    /// Applies the host's and the module's migrations without serving.
    void migrate();

    /// Starts serving; returns once /healthz answers and the module's public
    /// route /sac-inbound/mail is served (the module loaded). Throws
    /// std::runtime_error with the log when it does not within the timeout.
    void start(std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));
    /// Asks the host to stop and waits for it (kills it after 10 s).
    void stop();

    std::uint16_t port() const { return _port; }
    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(_port); }
    std::string databaseUrl() const { return "sqlite:" + databaseFile(); }
    std::string databaseFile() const { return _dir.path() + "/data/sac.db"; }
    std::string logFile() const { return _dir.path() + "/host.log"; }
    std::string log() const;
    const sac::test::TempDir& dir() const { return _dir; }

private:
    sac::test::TempDir _dir{"sac-mail-host-"};
    std::string _bin;
    std::string _config;
    std::uint16_t _port = 0;
    long _pid = 0;
};

/// An Amazon store of account `accountId` and one Lost & Found case with the
/// Seller Central case id `amazonCaseId` and status `status` ("aberto",
/// "reembolsado", ...), written with plain SQL into a migrated database.
/// Returns the case id.
std::int64_t insertAmazonCase(const std::string& databaseUrl, std::int64_t accountId, const std::string& amazonCaseId,
                              const std::string& status, const std::string& externalId);

} // namespace sac::mailtest
