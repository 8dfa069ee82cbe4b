// The sac-host executable: admin commands, configuration, start and stop.
#include "HostTestSupport.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace sac::host::test;

namespace {

struct Run {
    int rc = -1;
    std::string out;
    std::string err;
};

Run runHost(const std::vector<std::string>& args, const Poco::Process::Env& env = {}) {
    Poco::Pipe outPipe, errPipe;
    auto handle = Poco::Process::launch(SAC_HOST_BIN, args, "", nullptr, &outPipe, &errPipe, env);
    Poco::PipeInputStream outStream(outPipe), errStream(errPipe);
    Run r;
    std::thread errReader([&] { Poco::StreamCopier::copyToString(errStream, r.err); });
    Poco::StreamCopier::copyToString(outStream, r.out);
    errReader.join();
    r.rc = handle.wait();
    return r;
}

std::size_t lineCount(const std::string& s) {
    std::size_t n = 0;
    for (char c : s)
        if (c == '\n') ++n;
    return n;
}

std::uint16_t freePort() {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return s.address().port();
}

class CommandLine : public ::testing::Test {
protected:
    sac::test::TempDir dir{"sac-cli-"};
    std::string dataDir() const { return "--data-dir=" + dir.path(); }
    std::vector<std::string> with(std::vector<std::string> args) const {
        args.push_back(dataDir());
        args.push_back("--log-level=warning");
        return args;
    }
};

} // namespace

TEST_F(CommandLine, CreateAccountCreateUserAndListUsers) {
    auto r = runHost(with({"--create-account=Acme Ltda"}));
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.out, "account \"Acme Ltda\" created (id 1)\n");

    r = runHost(with({"--create-user=ana", "--account=Acme Ltda", "--role=admin", "--email=ana@acme.test",
                      "--name=Ana Lima"}),
                {{"SAC_PASSWORD", "s3cret-pass"}});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.out, "user \"ana\" created (id 1, admin of \"Acme Ltda\")\n");
    EXPECT_EQ(r.err.find("s3cret-pass"), std::string::npos);

    dir.write("pw.txt", "file-pass-123\n");
    r = runHost(with({"--create-user=sel", "--account=Acme Ltda", "--role=seller", "--email=sel@acme.test",
                      "--password-file=" + dir.file("pw.txt")}));
    EXPECT_EQ(r.rc, 0) << r.err;

    r = runHost(with({"--list-users"}));
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.out, "login\taccount\trole\temail\tactive\n"
                     "ana\tAcme Ltda\tadmin\tana@acme.test\tyes\n"
                     "sel\tAcme Ltda\tseller\tsel@acme.test\tyes\n");
}

TEST_F(CommandLine, CommandErrorsAreOneClearLine) {
    auto r = runHost(with({"--create-user=ana", "--account=Acme", "--role=admin", "--email=a@b.c"}));
    EXPECT_NE(r.rc, 0);
    EXPECT_EQ(r.err, "sac-host: expected a password in SAC_PASSWORD or --password-file=FILE, found none\n");

    r = runHost(with({"--create-user=ana", "--account=Nope", "--role=admin", "--email=a@b.c"}),
                {{"SAC_PASSWORD", "long-enough"}});
    EXPECT_NE(r.rc, 0);
    EXPECT_EQ(r.err, "sac-host: expected an existing account, found no account \"Nope\" (create it with --create-account)\n");

    ASSERT_EQ(runHost(with({"--create-account=Acme"})).rc, 0);
    r = runHost(with({"--create-account=Acme"}));
    EXPECT_NE(r.rc, 0);
    EXPECT_EQ(r.err, "sac-host: expected a new account name, found \"Acme\" already exists\n");

    r = runHost(with({"--create-user=ana", "--account=Acme", "--role=boss", "--email=a@b.c"}),
                {{"SAC_PASSWORD", "long-enough"}});
    EXPECT_EQ(r.err, "sac-host: expected --role=admin or --role=seller, found \"boss\"\n");

    r = runHost(with({"--create-user=ana", "--account=Acme", "--role=admin", "--email=a@b.c"}),
                {{"SAC_PASSWORD", "short"}});
    EXPECT_EQ(r.err, "sac-host: expected a password of at least 8 characters, found 5\n");

    r = runHost(with({"--listen=nonsense", "--list-users"}));
    EXPECT_NE(r.rc, 0);
    EXPECT_EQ(r.err, "sac-host: host.listen: expected ADDR:PORT, found \"nonsense\"\n");
}

TEST_F(CommandLine, MigrateOnlyAppliesHostAndModuleMigrations) {
    ModulesSubset subset({"good"});
    auto r = runHost(with({"--migrate-only", "--modules=" + subset.path()}));
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.out, "migrations applied (host, good)\n");
    r = runHost(with({"--migrate-only", "--modules=" + std::string(SAC_TM_ROOT)}));
    EXPECT_NE(r.rc, 0) << "refused modules make --migrate-only fail";
}

TEST_F(CommandLine, ServesUntilTerminatedWithAConfigFile) {
    const auto port = freePort();
    ModulesSubset subset({"good"});
    const std::string config = dir.write("host.properties", "host.listen = 127.0.0.1:" + std::to_string(port) +
                                                                "\nhost.modules = " + subset.path() +
                                                                "\nhost.data_dir = " + dir.path() + "\n");
    Poco::Pipe errPipe;
    auto handle = Poco::Process::launch(SAC_HOST_BIN, {"--config=" + config}, "", nullptr, nullptr, &errPipe);
    int status = 0;
    std::string body;
    for (int i = 0; i < 100 && status != 200; ++i) {
        try {
            Poco::Net::HTTPClientSession s("127.0.0.1", port);
            Poco::Net::HTTPRequest req("GET", "/healthz");
            s.sendRequest(req);
            Poco::Net::HTTPResponse resp;
            std::istream& in = s.receiveResponse(resp);
            status = static_cast<int>(resp.getStatus());
            body.clear();
            Poco::StreamCopier::copyToString(in, body);
        } catch (const Poco::Exception&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    Poco::Process::requestTermination(handle.id());
    Poco::PipeInputStream errStream(errPipe);
    std::string err;
    Poco::StreamCopier::copyToString(errStream, err);
    int rc = handle.wait();
    EXPECT_EQ(status, 200) << err;
    EXPECT_EQ(body, "{\"status\":\"ok\"}") << "anonymous callers learn only up or down";
    EXPECT_EQ(rc, 0) << err;
    EXPECT_NE(err.find("listening on http://127.0.0.1:" + std::to_string(port)), std::string::npos) << err;
    EXPECT_NE(err.find("stopped"), std::string::npos) << err;
}

TEST_F(CommandLine, AFailedHostMigrationStopsTheStartWithOneLine) {
    dir.write("schema/sqlite/V0001__host.sql", "CREATE TABLE broken (\n");
    dir.write("schema/mysql/V0001__host.sql", "CREATE TABLE broken (\n");
    const std::string config = dir.write("host.ini", "[host]\nschema_dir = " + dir.file("schema") + "\n");
    auto r = runHost({"--config=" + config, dataDir(), "--listen=127.0.0.1:" + std::to_string(freePort()),
                      "--log-level=warning"});
    EXPECT_NE(r.rc, 0);
    EXPECT_EQ(lineCount(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("start failed: host migrations: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("V0001__host.sql"), std::string::npos) << r.err;
}

TEST_F(CommandLine, UnknownOptionsAreRefused) {
    auto r = runHost({"--no-such-option"});
    EXPECT_NE(r.rc, 0);
    EXPECT_NE(r.err.find("no-such-option"), std::string::npos);
}
