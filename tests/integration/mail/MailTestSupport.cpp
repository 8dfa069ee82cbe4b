#include "MailTestSupport.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

#include <sac/sql/Database.h>

namespace sac::mailtest {
namespace fs = std::filesystem;

DovecotServer readDovecot(const std::string& dir) {
    std::ifstream in(dir + "/ports");
    if (!in) throw std::runtime_error("no " + dir + "/ports: run the ctest fixture mail.dovecot.start first");
    std::map<std::string, std::string> kv;
    std::string word;
    while (in >> word) {
        const auto eq = word.find('=');
        if (eq != std::string::npos) kv[word.substr(0, eq)] = word.substr(eq + 1);
    }
    DovecotServer s;
    s.imaps = static_cast<std::uint16_t>(std::stoi(kv.at("imaps")));
    s.pop3s = static_cast<std::uint16_t>(std::stoi(kv.at("pop3s")));
    s.user = kv.at("user");
    s.password = kv.at("password");
    s.cert = kv.at("cert");
    s.maildir = kv.at("maildir");
    return s;
}

void clearMaildir(const std::string& maildir) {
    for (const char* sub : {"new", "cur"})
        for (const auto& e : fs::directory_iterator(fs::path(maildir) / sub)) fs::remove(e.path());
}

void deliver(const std::string& maildir, const std::string& fileName, const std::string& text) {
    const fs::path tmp = fs::path(maildir) / "tmp" / fileName;
    {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
        if (!out) throw std::runtime_error("cannot write " + tmp.string());
    }
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                             fs::perms::group_write | fs::perms::others_read | fs::perms::others_write);
    fs::rename(tmp, fs::path(maildir) / "new" / fileName);
}

std::size_t maildirCount(const std::string& maildir) {
    std::size_t n = 0;
    for (const char* sub : {"new", "cur"})
        for (const auto& e : fs::directory_iterator(fs::path(maildir) / sub))
            if (e.is_regular_file()) ++n;
    return n;
}

std::string forwardedAnswer(const std::string& from, const std::string& subject, const std::string& messageId,
                            const std::string& body, const std::string& amazonFrom) {
    return "From: " + from + "\r\nTo: sac@inbound.example\r\nSubject: " + subject +
           "\r\nDate: Tue, 12 Mar 2024 10:22:31 -0300\r\nMessage-ID: " + messageId +
           "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
           "---------- Forwarded message ---------\r\nFrom: Amazon Seller Support <" +
           amazonFrom + ">\r\nDate: Mon, Mar 11, 2024 at 6:01 PM\r\nSubject: " + subject + "\r\nTo: <" + from +
           ">\r\n\r\n" + body + "\r\n";
}

std::uint16_t freePort() {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return s.address().port();
}

ProcessRun runProcess(const std::string& program, const std::vector<std::string>& args, const std::string& input,
                      const std::map<std::string, std::string>& env) {
    std::signal(SIGPIPE, SIG_IGN);
    Poco::Pipe inPipe, outPipe, errPipe;
    Poco::Process::Env penv(env.begin(), env.end());
    auto handle = Poco::Process::launch(program, args, "", &inPipe, &outPipe, &errPipe, penv);
    ProcessRun r;
    std::thread writer([&] {
        try {
            Poco::PipeOutputStream os(inPipe);
            os.write(input.data(), static_cast<std::streamsize>(input.size()));
            os.flush();
            os.close();
        } catch (...) {
            // The child stopped reading (it refused the input): its exit code says why.
        }
        inPipe.close(Poco::Pipe::CLOSE_WRITE);
    });
    Poco::PipeInputStream outStream(outPipe), errStream(errPipe);
    std::thread errReader([&] { Poco::StreamCopier::copyToString(errStream, r.err); });
    Poco::StreamCopier::copyToString(outStream, r.out);
    errReader.join();
    writer.join();
    r.rc = handle.wait();
    return r;
}

HostProcess::HostProcess(std::string hostBin, std::string modulesDir, std::map<std::string, std::string> settings)
    : _bin(std::move(hostBin)), _port(freePort()) {
    std::map<std::string, std::string> all{
        {"host.listen", "127.0.0.1:" + std::to_string(_port)},
        {"host.modules", modulesDir},
        {"host.data_dir", _dir.path() + "/data"},
        {"host.database", databaseUrl()},
        {"host.pbkdf2_iterations", "1000"},
        {"host.log_file", logFile()},
        {"host.log_level", "information"},
        {"modules.sac.key_file", _dir.path() + "/data/sac.key"},
    };
    for (auto& [k, v] : settings) all[k] = v;
    std::ostringstream text;
    for (const auto& [k, v] : all) text << k << " = " << v << "\n";
    fs::create_directories(_dir.path() + "/data");
    _config = _dir.write("host.properties", text.str());
}

HostProcess::~HostProcess() { stop(); }

std::string HostProcess::admin(std::vector<std::string> args) {
    args.insert(args.begin(), "--config=" + _config);
    auto r = runProcess(_bin, args, {}, {{"SAC_PASSWORD", "senha-de-teste-123"}});
    if (r.rc != 0)
        throw std::runtime_error("sac-host " + args.at(1) + " exited with " + std::to_string(r.rc) + ": " + r.err +
                                 log());
    return r.out;
}

std::int64_t HostProcess::createAccount(const std::string& name) {
    const std::string out = admin({"--create-account=" + name});
    // account "NAME" created (id N)
    const auto p = out.rfind("(id ");
    if (p == std::string::npos) throw std::runtime_error("unexpected --create-account output: " + out);
    return std::stoll(out.substr(p + 4));
}

void HostProcess::createUser(const std::string& login, const std::string& account, const std::string& email) {
    admin({"--create-user=" + login, "--account=" + account, "--role=seller", "--email=" + email,
           "--name=" + login});
}

void HostProcess::migrate() { admin({"--migrate-only"}); }

std::string HostProcess::log() const {
    std::ifstream in(logFile(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void HostProcess::start(std::chrono::milliseconds timeout) {
    if (_pid) return;
    auto handle = Poco::Process::launch(_bin, {"--config=" + _config});
    _pid = handle.id();
    const auto until = std::chrono::steady_clock::now() + timeout;
    std::string last;
    while (std::chrono::steady_clock::now() < until) {
        int status = 0;
        if (::waitpid(static_cast<pid_t>(_pid), &status, WNOHANG) == _pid) {
            _pid = 0;
            throw std::runtime_error("sac-host exited while starting; log:\n" + log());
        }
        try {
            Poco::Net::HTTPClientSession s("127.0.0.1", _port);
            s.setTimeout(Poco::Timespan(2, 0));
            Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
            s.sendRequest(req);
            Poco::Net::HTTPResponse res;
            std::string body;
            Poco::StreamCopier::copyToString(s.receiveResponse(res), body);
            if (res.getStatus() == Poco::Net::HTTPResponse::HTTP_OK) {
                // /healthz names modules to admins only: ask the module's public route instead,
                // which answers GET with 405 when the module is loaded (the host alone: 404).
                Poco::Net::HTTPRequest probe(Poco::Net::HTTPRequest::HTTP_GET, "/sac-inbound/mail",
                                             Poco::Net::HTTPMessage::HTTP_1_1);
                s.sendRequest(probe);
                Poco::Net::HTTPResponse answer;
                std::string ignored;
                Poco::StreamCopier::copyToString(s.receiveResponse(answer), ignored);
                if (answer.getStatus() == Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED) return;
                stop();
                throw std::runtime_error("sac-host started without the module (GET /sac-inbound/mail answered " +
                                         std::to_string(static_cast<int>(answer.getStatus())) + ")\n" + log());
            }
            last = "HTTP " + std::to_string(static_cast<int>(res.getStatus()));
        } catch (const Poco::Exception& e) {
            last = e.displayText();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    stop();
    throw std::runtime_error("sac-host did not answer /healthz: " + last + "\n" + log());
}

void HostProcess::stop() {
    if (!_pid) return;
    const auto pid = static_cast<pid_t>(_pid);
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            _pid = 0;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    _pid = 0;
}

std::int64_t insertAmazonCase(const std::string& databaseUrl, std::int64_t accountId, const std::string& amazonCaseId,
                              const std::string& status, const std::string& externalId) {
    auto db = sql::Database::open(databaseUrl);
    auto conn = db->acquire();
    const std::int64_t now = 1'717'000'000'000;
    std::int64_t store = 0;
    if (auto row = conn->queryOne("SELECT id FROM stores WHERE account_id = ? AND marketplace = 'amazon'", {accountId}))
        store = row->getInt(0);
    else {
        conn->execute("INSERT INTO stores (account_id, marketplace, name, marketplace_id, created_at, updated_at) "
                      "VALUES (?, 'amazon', ?, 'ATVPDKIKX0DER', ?, ?)",
                      {accountId, std::string("Amazon US"), now, now});
        store = conn->lastInsertId();
    }
    conn->execute("INSERT INTO cases (account_id, store_id, marketplace, kind, external_id, status, amazon_case_id, "
                  "units, marketplace_created_at, created_at, updated_at) "
                  "VALUES (?, ?, 'amazon', 'lost_inventory', ?, ?, ?, 2, ?, ?, ?)",
                  {accountId, store, externalId, status, amazonCaseId, now - 1000, now, now});
    return conn->lastInsertId();
}

} // namespace sac::mailtest
